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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Braid-only setup and scenarios: the bench pipelines, and a version activation and rollback under load (issue #8). */
final class Scenarios {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}]%s}";

    private final BraidProcess braid;
    private final MockUpstream mock;
    private final Suite.Timing timing;
    private long failed;
    private final List<Check> checks = new ArrayList<>();

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

    private Target braid(String path, String body, boolean streaming) {
        return new Target(Suite.HOST, braid.port(), HttpConn.request("POST", Suite.HOST, braid.port(), path,
                "application/json", body, BraidProcess.ADMIN_KEY), streaming);
    }

    private Target braidChat(String model, boolean stream) {
        return braid("/v1/chat/completions", String.format(CHAT, "openai/" + model,
                stream ? ",\"stream\":true" : ""), stream);
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

    /** A pipeline of one model step: the per-request cost of the pipeline engine around a model call. */
    static final String ONE_MODEL = """
            apiVersion: braid/v1
            kind: Pipeline
            name: bench-one
            description: one model call, for CPU per request of a one-model pipeline.
            input:
              required: [text]
              properties:
                text: { type: string }
            steps:
              - id: answer
                model: { task: chat, targets: [{ provider: openai, model: bench }], prompt: { user: "{{input.text}}" } }
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
        for (String yaml : List.of(FANOUT, ONE_MODEL, switchVersion(1))) {
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

    /** JIT warm-up of the version-switch path. */
    void warmupSwitch() throws InterruptedException {
        LoadDriver.closed(switchTarget(), 8, timing.warmup().dividedBy(5));
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

    /** How much longer than planned a switch may take to be seen on a loaded machine before it counts as never seen. */
    private static final Duration SWITCH_PATIENCE = Duration.ofSeconds(20);

    /** Waits (bounded by {@link #SWITCH_PATIENCE}) until the watched version has answered once. */
    private static void awaitServed(FirstServed watch, long fromNanos) throws InterruptedException {
        long deadline = System.nanoTime() + SWITCH_PATIENCE.toNanos();
        while (watch.msSince(fromNanos) < 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    Switch versionSwitch() throws Exception {
        int c = 16;
        FirstServed watch = new FirstServed();
        Result[] holder = new Result[1];
        AtomicBoolean switched = new AtomicBoolean();
        Thread load = new Thread(() -> {
            try {
                holder[0] = LoadDriver.closed(switchTarget().observed(watch), c, timing.switchRun(), () -> !switched.get(), SWITCH_PATIENCE);
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
        awaitServed(watch, t0);
        double activateMs = watch.msSince(t0);
        long oldAfterActivate = watch.oldAfterFirst();
        long t1 = System.nanoTime();
        watch.expect("version-1", "version-2", t1);
        HttpConn.Response rollback = admin("/api/pipelines/bench-switch/rollback", "application/json", "{}");
        double rollbackCallMs = (System.nanoTime() - t1) / 1e6;
        awaitServed(watch, t1);
        switched.set(true);
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
        return new Switch(new Section("Version activation and rollback under load", body), switchFailed, activateMs, rollbackMs);
    }

    private static String fmt(double ms) {
        return ms < 0 ? "never seen" : String.format(Locale.ROOT, "%.1f", ms);
    }

    /** Samples VmRSS every 100 ms until stopped; returns the highest in KiB. */
    static final class RssSampler {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long max;

        private RssSampler(Measured p) {
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

        static RssSampler start(Measured p) {
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
