package dev.braid.bench;

import dev.braid.bench.LoadDriver.Result;
import dev.braid.bench.LoadDriver.Target;
import dev.braid.bench.Suite.Report;
import dev.braid.bench.Suite.Row;
import dev.braid.bench.Suite.Section;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** The scenarios of issue #8, each against Braid and, where it means something, against the mock directly. */
final class Scenarios {

    static final int RATE = 1000;
    /** Connections the open-model driver may use at 1000 req/s: far more than the ~1 in flight a 1 ms answer needs. */
    static final int RATE_CONNECTIONS = 32;
    /** Streams per second for the time-to-first-token comparison. */
    static final int STREAM_RATE = 200;

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}]%s}";

    private final BraidProcess braid;
    private final MockUpstream mock;
    private final Suite.Timing timing;
    private long failed;
    private final List<Check> checks = new ArrayList<>();
    private Result passthroughAtRate;
    private long rateCpuTicks;
    private long ratePeakRss;

    Scenarios(BraidProcess braid, MockUpstream mock, Suite.Timing timing) {
        this.braid = braid;
        this.mock = mock;
        this.timing = timing;
    }

    long failed() {
        return failed;
    }

    /** A target of issue #8, what this run measured, and whether it was met. */
    record Check(String target, String measured, boolean met) {
    }

    List<Check> checks() {
        return checks;
    }

    private static double overheadMs(Result via, Result direct, double percentile) {
        return (via.latency().getValueAtPercentile(percentile) - direct.latency().getValueAtPercentile(percentile)) / 1000.0;
    }

    private Target braid(String path, String body, boolean streaming) {
        return new Target(Suite.HOST, braid.port(), HttpConn.request("POST", Suite.HOST, braid.port(), path,
                "application/json", body, BraidProcess.ADMIN_KEY), streaming);
    }

    private Target direct(String body, boolean streaming) {
        return new Target(Suite.HOST, mock.port(), HttpConn.request("POST", Suite.HOST, mock.port(), "/v1/chat/completions",
                "application/json", body, "bench-upstream-key"), streaming);
    }

    private Target braidChat(String model, boolean stream) {
        return braid("/v1/chat/completions", String.format(CHAT, "openai/" + model,
                stream ? ",\"stream\":true" : ""), stream);
    }

    private Target directChat(String model, boolean stream) {
        return direct(String.format(CHAT, model, stream ? ",\"stream\":true" : ""), stream);
    }

    private Result count(Result r) {
        failed += r.failed();
        return r;
    }

    // ---- setup ----------------------------------------------------------------------------------

    static final String FANOUT = """
            apiVersion: braid/v1
            kind: Pipeline
            name: bench-fanout
            description: mask, then three model calls in parallel (20, 40 and 60 ms upstream delay), then aggregate.
            input:
              required: [text]
              properties:
                text: { type: string }
            steps:
              - id: redact
                mask: { entities: [EMAIL, PHONE, CREDIT_CARD, IBAN], restore: false }
              - id: fan
                parallel:
                  timeout: 10s
                  branches:
                    - id: b20
                      model: { task: chat, targets: [{ provider: openai, model: delay-20 }], prompt: { user: "{{input.text}}" } }
                    - id: b40
                      model: { task: chat, targets: [{ provider: openai, model: delay-40 }], prompt: { user: "{{input.text}}" } }
                    - id: b60
                      model: { task: chat, targets: [{ provider: openai, model: delay-60 }], prompt: { user: "{{input.text}}" } }
              - id: join
                aggregate:
                  jsonata: '{ "text": steps.b20.text & steps.b40.text & steps.b60.text }'
            """;

    static String switchVersion(int v) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: bench-switch
                description: version %d of a pipeline the suite switches under load.
                input:
                  type: object
                steps:
                  - id: answer
                    transform: { jsonata: '{ "served": "version-%d" }' }
                """.formatted(v, v);
    }

    HttpConn.Response admin(String path, String contentType, String body) throws IOException {
        try (HttpConn conn = new HttpConn(Suite.HOST, braid.port())) {
            return conn.exchange(HttpConn.request("POST", Suite.HOST, braid.port(), path, contentType, body,
                    BraidProcess.ADMIN_KEY), false);
        }
    }

    void deployBenchPipelines() throws IOException {
        for (String yaml : List.of(FANOUT, switchVersion(1))) {
            HttpConn.Response r = admin("/api/pipelines?activate=true", "application/yaml", yaml);
            if (r.status() / 100 != 2) {
                throw new IllegalStateException("deploy failed: " + r.status() + " " + r.text());
            }
        }
    }

    Target passthroughTarget() {
        return braidChat("bench", false);
    }

    /** Runs {@code jcmd <pid> args…} on the server (JFR start/stop for --profile). */
    HttpConn.Response jcmd(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(braid.pid())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        return new HttpConn.Response(p.waitFor() == 0 ? 200 : 500, out, 0);
    }

    void warmupPassthrough() throws InterruptedException {
        LoadDriver.closed(braidChat("bench", false), 16, timing.warmup());
    }

    /** JIT warm-up of every path the scenarios take, plus the mock's. */
    void warmup() throws InterruptedException {
        warmupPassthrough();
        LoadDriver.closed(directChat("bench", false), 16, timing.warmup().dividedBy(3));
        LoadDriver.closed(braidChat("bench", true), 8, timing.warmup().dividedBy(3));
        LoadDriver.closed(fanOutTarget(), 16, timing.warmup().dividedBy(3));
        LoadDriver.closed(switchTarget(), 8, timing.warmup().dividedBy(5));
    }

    // ---- (1) passthrough ------------------------------------------------------------------------

    Section passthrough() throws InterruptedException {
        StringBuilder body = new StringBuilder("`POST /v1/chat/completions` with `model: openai/bench`, Braid's `openai` provider pointed at the mock "
                + "(`OPENAI_BASE_URL`); direct = the same body to the mock. Closed model: N connections back to back for "
                + timing.run().toSeconds() + " s. Fixed rate: " + RATE + " req/s for " + timing.rateRun().toSeconds()
                + " s (open model over up to " + RATE_CONNECTIONS + " connections, latency from each request's intended start).\n\n");
        List<Row> rows = new ArrayList<>();
        StringBuilder overheads = new StringBuilder();
        for (int c : new int[] {16, 64}) {
            Result direct = count(LoadDriver.closed(directChat("bench", false), c, timing.run()));
            Result via = count(LoadDriver.closed(braidChat("bench", false), c, timing.run()));
            rows.add(new Row("direct, concurrency " + c, direct));
            rows.add(new Row("Braid, concurrency " + c, via));
            overheads.append(Report.overhead("overhead, concurrency " + c, via.latency(), direct.latency()));
        }
        Result direct = count(LoadDriver.open(directChat("bench", false), RATE, timing.rateRun(), RATE_CONNECTIONS));
        long ticks0 = braid.cpuTicks();
        RssSampler rss = RssSampler.start(braid);
        Result via = count(LoadDriver.open(braidChat("bench", false), RATE, timing.rateRun(), RATE_CONNECTIONS));
        ratePeakRss = rss.stop();
        rateCpuTicks = braid.cpuTicks() - ticks0;
        passthroughAtRate = via;
        rows.add(new Row("direct, " + RATE + " req/s", direct));
        rows.add(new Row("Braid, " + RATE + " req/s", via));
        overheads.append(Report.overhead("**overhead, " + RATE + " req/s**", via.latency(), direct.latency()));
        double p50 = overheadMs(via, direct, 50);
        double p99 = overheadMs(via, direct, 99);
        checks.add(new Check("passthrough overhead p50 ≤ 0.3 ms at " + RATE + " req/s", fmt2(p50) + " ms", p50 <= 0.3));
        checks.add(new Check("passthrough overhead p99 ≤ 1 ms at " + RATE + " req/s", fmt2(p99) + " ms", p99 <= 1.0));
        body.append(Report.table(rows)).append(overheads);
        return new Section("1. Passthrough", body.toString());
    }

    // ---- (2) fan-out ----------------------------------------------------------------------------

    private Target fanOutTarget() {
        return braid("/v1/pipelines/bench-fanout/invoke",
                "{\"input\":{\"text\":\"Hello, I am jane.doe@example.com and my phone is +1 415 555 0100. Please answer.\"}}", false);
    }

    Section fanOut() throws InterruptedException {
        int c = 16;
        Result slowest = count(LoadDriver.closed(directChat("delay-60", false), c, timing.run()));
        Result via = count(LoadDriver.closed(fanOutTarget(), c, timing.run()));
        List<Row> rows = List.of(new Row("slowest branch alone: direct call, 60 ms model", slowest),
                new Row("Braid pipeline: mask → parallel(20, 40, 60 ms) → aggregate", via));
        double over = overheadMs(via, slowest, 50);
        checks.add(new Check("3-branch fan-out ≤ slowest branch + 1 ms at p50", "+" + fmt2(over) + " ms", over <= 1.0));
        return new Section("2. Fan-out pipeline", "`POST /v1/pipelines/bench-fanout/invoke`: a mask step, three `openai` model branches in parallel "
                + "whose upstream answers after 20, 40 and 60 ms, and an aggregate. Compared with a direct call of the slowest (60 ms) model. "
                + "Concurrency " + c + ", " + timing.run().toSeconds() + " s each.\n\n"
                + Report.table(rows) + Report.overhead("**pipeline minus slowest branch**", via.latency(), slowest.latency()));
    }

    // ---- (3) streaming --------------------------------------------------------------------------

    Section streaming() throws InterruptedException {
        Result direct = count(LoadDriver.open(directChat("bench-stream", true), STREAM_RATE, timing.run(), RATE_CONNECTIONS));
        Result via = count(LoadDriver.open(braidChat("bench-stream", true), STREAM_RATE, timing.run(), RATE_CONNECTIONS));
        StringBuilder sb = new StringBuilder("`\"stream\": true` through `/v1/chat/completions` vs the mock directly. The mock sends the role chunk and the first "
                + "content chunk at once, the rest " + MockUpstream.STREAM_GAP_MS + " ms later. Time to first token = until the first chunk holding a non-empty "
                + "`content` delta was read. A fixed " + STREAM_RATE + " streams/s (open model: a first-token time, not a queue at saturation), "
                + timing.run().toSeconds() + " s each; times count from each request's intended start.\n\n");
        sb.append("| time to first token | p50 ms | p90 ms | p99 ms | p99.9 ms |\n|---|---:|---:|---:|---:|\n");
        for (Row r : List.of(new Row("direct", direct), new Row("Braid", via))) {
            var h = r.result().firstToken();
            sb.append("| ").append(r.what()).append(" | ").append(Report.ms(h.getValueAtPercentile(50))).append(" | ")
                    .append(Report.ms(h.getValueAtPercentile(90))).append(" | ").append(Report.ms(h.getValueAtPercentile(99)))
                    .append(" | ").append(Report.ms(h.getValueAtPercentile(99.9))).append(" |\n");
        }
        var b = via.firstToken();
        var d = direct.firstToken();
        sb.append("| **overhead** | ").append(Report.ms(b.getValueAtPercentile(50) - d.getValueAtPercentile(50))).append(" | ")
                .append(Report.ms(b.getValueAtPercentile(90) - d.getValueAtPercentile(90))).append(" | ")
                .append(Report.ms(b.getValueAtPercentile(99) - d.getValueAtPercentile(99))).append(" | ")
                .append(Report.ms(b.getValueAtPercentile(99.9) - d.getValueAtPercentile(99.9))).append(" |\n\n");
        double ttft = (b.getValueAtPercentile(50) - d.getValueAtPercentile(50)) / 1000.0;
        checks.add(new Check("streaming first-token overhead ≤ 1 ms (p50)", fmt2(ttft) + " ms", ttft <= 1.0));
        sb.append("Whole streamed response:\n\n").append(Report.table(List.of(new Row("direct", direct), new Row("Braid", via))));
        return new Section("3. Streaming", sb.toString());
    }

    // ---- (4) version switch ---------------------------------------------------------------------

    record Switch(Section section, long failed, double activateMs, double rollbackMs) {
    }

    private Target switchTarget() {
        return braid("/v1/pipelines/bench-switch/invoke", "{\"input\":{}}", false);
    }

    /** Watches responses for the first one served by a version after a given instant. */
    private static final class FirstServed implements LoadDriver.Observer {

        /** One switch being watched; replaced as a whole so a worker never sees half of an old one and half of a new one. */
        private record Expectation(byte[] marker, byte[] old, long after, AtomicLong first, AtomicLong oldAfterFirst) {
        }

        private volatile Expectation exp;

        void expect(String version, String previous, long fromNanos) {
            exp = new Expectation(("\"served\":\"" + version + "\"").getBytes(StandardCharsets.UTF_8),
                    ("\"served\":\"" + previous + "\"").getBytes(StandardCharsets.UTF_8), fromNanos, new AtomicLong(), new AtomicLong());
        }

        @Override
        public void seen(long doneNanos, HttpConn.Response response) {
            Expectation e = exp;
            if (e == null || doneNanos < e.after()) {
                return;
            }
            if (e.first().get() == 0 && contains(response.body(), e.marker())) {
                e.first().compareAndSet(0, doneNanos);
            } else if (e.first().get() != 0 && contains(response.body(), e.old())) {
                e.oldAfterFirst().incrementAndGet();
            }
        }

        /** Responses from the previous version that completed after the new one had answered (in-flight requests draining). */
        long oldAfterFirst() {
            return exp.oldAfterFirst().get();
        }

        double msSince(long from) {
            long f = exp.first().get();
            return f == 0 ? -1 : (f - from) / 1e6;
        }

        private static boolean contains(byte[] hay, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= hay.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    Switch versionSwitch() throws Exception {
        int c = 16;
        FirstServed watch = new FirstServed();
        Result[] holder = new Result[1];
        Thread load = new Thread(() -> {
            try {
                holder[0] = LoadDriver.closed(switchTarget().observed(watch), c, timing.switchRun());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "switch-load");
        long third = timing.switchRun().toMillis() / 3;
        load.start();
        Thread.sleep(third);
        long t0 = System.nanoTime();
        watch.expect("version-2", "version-1", t0);
        HttpConn.Response deploy = admin("/api/pipelines?activate=true", "application/yaml", switchVersion(2));
        double deployCallMs = (System.nanoTime() - t0) / 1e6;
        Thread.sleep(third);
        double activateMs = watch.msSince(t0);
        long oldAfterActivate = watch.oldAfterFirst();
        long t1 = System.nanoTime();
        watch.expect("version-1", "version-2", t1);
        HttpConn.Response rollback = admin("/api/pipelines/bench-switch/rollback", "application/json", "{}");
        double rollbackCallMs = (System.nanoTime() - t1) / 1e6;
        load.join();
        double rollbackMs = watch.msSince(t1);
        long oldAfterRollback = watch.oldAfterFirst();
        Result r = holder[0];
        failed += r.failed();
        boolean okCalls = deploy.status() / 100 == 2 && rollback.status() / 100 == 2;
        String body = "Closed load at concurrency " + c + " on `POST /v1/pipelines/bench-switch/invoke` for " + timing.switchRun().toSeconds()
                + " s; after a third, `POST /api/pipelines?activate=true` deploys version 2; after two thirds, "
                + "`POST /api/pipelines/bench-switch/rollback` goes back to version 1. Deploy-to-active = from sending the admin request "
                + "to the first invoke response served by the new version.\n\n"
                + "| | value |\n|---|---:|\n"
                + "| requests | " + (r.ok() + r.failed()) + " |\n"
                + "| **failed requests** | " + r.failed() + " |\n"
                + "| admin calls answered 2xx | " + (okCalls ? "yes" : "NO: " + deploy.status() + " / " + rollback.status()) + " |\n"
                + "| deploy + activate call, ms | " + fmt(deployCallMs) + " |\n"
                + "| **deploy-to-active, ms** | " + fmt(activateMs) + " |\n"
                + "| rollback call, ms | " + fmt(rollbackCallMs) + " |\n"
                + "| **rollback-to-active, ms** | " + fmt(rollbackMs) + " |\n"
                + "| responses of the old version after the new one first answered (activate / rollback) | " + oldAfterActivate + " / " + oldAfterRollback + " |\n"
                + "| invoke p50 / p99 / max during the run, ms | " + Report.ms(r.latency().getValueAtPercentile(50)) + " / "
                + Report.ms(r.latency().getValueAtPercentile(99)) + " / " + Report.ms(r.latency().getMaxValue()) + " |\n";
        checks.add(new Check("version switch under load: 0 failed requests", r.failed() + " failed of " + (r.ok() + r.failed()), r.failed() == 0 && okCalls));
        double worst = Math.max(activateMs, rollbackMs);
        checks.add(new Check("deploy-to-active ≤ 200 ms", fmt(activateMs) + " ms (rollback " + fmt(rollbackMs) + " ms)",
                activateMs >= 0 && rollbackMs >= 0 && worst <= 200));
        long switchFailed = r.failed() + (okCalls ? 0 : 1) + (activateMs < 0 || rollbackMs < 0 ? 1 : 0);
        return new Switch(new Section("4. Version activation and rollback under load", body), switchFailed, activateMs, rollbackMs);
    }

    // ---- (5) memory and CPU ---------------------------------------------------------------------

    record Memory(String flags, Duration coldStart, long idleRssKb, long peakRssKb, double coresPer1k, double rate) {
    }

    /** RSS and CPU at the passthrough's fixed rate: reuses the scenario-1 run when there was one. */
    Memory memory(String flags, Duration coldStart) throws InterruptedException {
        if (passthroughAtRate == null) {
            long ticks0 = braid.cpuTicks();
            RssSampler rss = RssSampler.start(braid);
            passthroughAtRate = count(LoadDriver.open(braidChat("bench", false), RATE, timing.memoryRun(), RATE_CONNECTIONS));
            ratePeakRss = rss.stop();
            rateCpuTicks = braid.cpuTicks() - ticks0;
        }
        long idle = braid.rssKb();
        double cpuSeconds = rateCpuTicks / 100.0; // USER_HZ is 100 on Linux
        double cores = cpuSeconds / passthroughAtRate.seconds();
        double rate = passthroughAtRate.rate();
        Memory m = new Memory(flags, coldStart, idle, Math.max(ratePeakRss, braid.peakRssKb()), cores / (rate / 1000.0), rate);
        checks.add(new Check("RSS ≤ 300 MB under load, " + flags, (m.peakRssKb() * 1024 / 1_000_000) + " MB peak", m.peakRssKb() * 1024 <= 300_000_000L));
        checks.add(new Check("cold start ≤ 3 s, " + flags, String.format(Locale.ROOT, "%.2f s", coldStart.toMillis() / 1000.0),
                coldStart.toMillis() <= 3000));
        return m;
    }

    static Section memorySection(List<Memory> runs) {
        StringBuilder sb = new StringBuilder("The Braid process itself (not the driver or the mock): cold start = launching `java -jar braid-server.jar` "
                + "until the first `POST /v1/pipelines/echo/invoke` answered 200 (polled every 10 ms, fresh H2 database); RSS = VmRSS/VmHWM of "
                + "/proc/<pid>/status; CPU = utime+stime of /proc/<pid>/stat over the " + RATE + " req/s passthrough run, "
                + "in cores busy per 1000 req/s. The first row is the server of scenarios 1–4 (its CPU is from scenario 1's fixed-rate run, "
                + "well warmed up); each further row is a fresh server measured after one warm-up, so its CPU still includes JIT compilation.\n\n"
                + "| JVM flags | cold start s | RSS after the load MiB | peak RSS (VmHWM) MiB | CPU cores per 1k req/s | achieved req/s |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (Memory m : runs) {
            sb.append("| ").append(m.flags()).append(" | ").append(String.format(Locale.ROOT, "%.2f", m.coldStart().toMillis() / 1000.0))
                    .append(" | ").append(m.idleRssKb() / 1024).append(" | ").append(m.peakRssKb() / 1024)
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", m.coresPer1k()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", m.rate())).append(" |\n");
        }
        return new Section("5. Memory, CPU and cold start", sb.toString());
    }

    private static String fmt2(double ms) {
        return String.format(Locale.ROOT, "%.2f", ms);
    }

    private static String fmt(double ms) {
        return ms < 0 ? "never seen" : String.format(Locale.ROOT, "%.1f", ms);
    }

    /** Samples VmRSS every 100 ms until stopped; returns the highest in KiB. */
    static final class RssSampler {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long max;

        private RssSampler(BraidProcess p) {
            thread = new Thread(() -> {
                while (running) {
                    max = Math.max(max, p.rssKb());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
        }

        static RssSampler start(BraidProcess p) {
            RssSampler s = new RssSampler(p);
            s.thread.start();
            return s;
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return max;
        }
    }
}
