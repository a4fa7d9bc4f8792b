package dev.braid.bench;

import dev.braid.bench.LoadDriver.Result;
import dev.braid.bench.LoadDriver.Target;
import dev.braid.bench.Suite.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Issue #17's comparison: every scenario for direct, Braid and Portkey in the same run, in interleaved rounds
 * (each round runs every gateway once, starting with a different one), with the load average at each round.
 * Figures are kept per round so the report shows the spread a shared machine gives, not one lucky number.
 */
final class SideBySide {

    static final String DIRECT = "direct";
    static final String BRAID = "Braid";
    static final String PORTKEY = "Portkey";

    /** Passthrough and streaming rate, the fixed rates of issue #17. */
    static final int RATE = 1000;
    static final int HIGH_RATE = 5000;
    static final int STREAM_RATE = 200;
    static final int FANOUT_RATE = 500;

    /** A chat body of about 1 KB (issue #17's "1 KB body"), the same for every gateway. */
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"You are the benchmark. "
            + "Answer briefly.\"},{\"role\":\"user\",\"content\":\"" + "Say hello to the benchmark, please. ".repeat(25)
            + "\"}],\"temperature\":0.2%s}";

    /** One gateway: how to send it a chat call, and its process (none for direct). */
    record Gateway(String name, Optional<Measured> process, Target chat, Target stream) {
    }

    /** The numbers of one figure for one gateway in one round (one or two values, e.g. p50 and p99). */
    record Cell(double... values) {
    }

    /** A figure: a row label, a unit, its cells by gateway, one per round. */
    static final class Figure {
        final String name;
        final String unit;
        final Map<String, List<Cell>> byGateway = new LinkedHashMap<>();

        Figure(String name, String unit) {
            this.name = name;
            this.unit = unit;
        }

        void add(String gateway, double... values) {
            byGateway.computeIfAbsent(gateway, g -> new ArrayList<>()).add(new Cell(values));
        }

        /** The median over rounds of value {@code i} for a gateway; NaN if never measured. */
        double median(String gateway, int i) {
            List<Cell> cells = byGateway.get(gateway);
            if (cells == null || cells.isEmpty()) {
                return Double.NaN;
            }
            double[] v = cells.stream().mapToDouble(c -> c.values()[i]).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        /** "min–max" over rounds of each value, joined with " / ". */
        String range(String gateway) {
            List<Cell> cells = byGateway.get(gateway);
            if (cells == null || cells.isEmpty()) {
                return "—";
            }
            int n = cells.get(0).values().length;
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int k = i;
                double lo = cells.stream().mapToDouble(c -> c.values()[k]).min().orElse(Double.NaN);
                double hi = cells.stream().mapToDouble(c -> c.values()[k]).max().orElse(Double.NaN);
                parts.add(cells.size() == 1 || fmt(lo).equals(fmt(hi)) ? fmt(lo) : fmt(lo) + "–" + fmt(hi));
            }
            return String.join(" / ", parts);
        }

        String cell(String gateway, int round) {
            List<Cell> cells = byGateway.get(gateway);
            if (cells == null || cells.size() <= round) {
                return "—";
            }
            List<String> parts = new ArrayList<>();
            for (double v : cells.get(round).values()) {
                parts.add(fmt(v));
            }
            return String.join(" / ", parts);
        }
    }

    private final MockUpstream mock;
    private final BraidProcess braid;
    private final Optional<PortkeyProcess> portkey;
    private final Suite.Timing timing;
    private final List<Gateway> gateways = new ArrayList<>();
    private final List<String> loads = new ArrayList<>();
    private long failed;
    private final Map<String, Long> peerFailed = new LinkedHashMap<>();

    final Figure closed = new Figure("closed loop, 16 connections", "req/s");
    final Figure cpuClosed = new Figure("gateway CPU per passthrough request, closed loop", "µs");
    final Figure overhead = new Figure("overhead at " + RATE + " req/s, p50 / p99", "ms");
    final Figure cpuRate = new Figure("gateway CPU per passthrough request at " + RATE + " req/s", "µs");
    final Figure achieved = new Figure("achieved rate at " + RATE + " req/s", "req/s");
    final Figure high = new Figure("overhead at " + HIGH_RATE + " req/s, p50 / p99 (achieved req/s)", "ms");
    final Figure firstToken = new Figure("streaming first-token overhead, p50 / p99", "ms");
    final Figure fanOut = new Figure("fan-out over the slowest branch, p50 / p99 at " + FANOUT_RATE + " req/s", "ms");
    final Figure direct = new Figure("direct call: p50 / p99 at " + RATE + " req/s, first token p50 / p99", "ms");
    private final Map<String, Long> peakRss = new LinkedHashMap<>();

    SideBySide(MockUpstream mock, BraidProcess braid, Optional<PortkeyProcess> portkey, Suite.Timing timing) {
        this.mock = mock;
        this.braid = braid;
        this.portkey = portkey;
        this.timing = timing;
        gateways.add(new Gateway(DIRECT, Optional.empty(), directChat("bench", false), directChat("bench-stream", true)));
        gateways.add(new Gateway(BRAID, Optional.of(braid), braidChat("bench", false), braidChat("bench-stream", true)));
        portkey.ifPresent(p -> gateways.add(new Gateway(PORTKEY, Optional.of(p), portkeyChat(p, "bench", false),
                portkeyChat(p, "bench-stream", true))));
    }

    long failed() {
        return failed;
    }

    boolean hasPortkey() {
        return portkey.isPresent();
    }

    /** Peak VmRSS in KiB seen while the rounds ran, by gateway. */
    Map<String, Long> peakRss() {
        return peakRss;
    }

    // ---- targets --------------------------------------------------------------------------------

    Target directChat(String model, boolean stream) {
        return new Target(Suite.HOST, mock.port(), HttpConn.request("POST", Suite.HOST, mock.port(), "/v1/chat/completions",
                "application/json", String.format(CHAT, model, stream ? ",\"stream\":true" : ""), "bench-upstream-key"), stream);
    }

    Target braidChat(String model, boolean stream) {
        return braidPost("/v1/chat/completions", String.format(CHAT, "openai/" + model, stream ? ",\"stream\":true" : ""), stream);
    }

    Target braidPost(String path, String body, boolean stream) {
        return new Target(Suite.HOST, braid.port(), HttpConn.request("POST", Suite.HOST, braid.port(), path,
                "application/json", body, BraidProcess.ADMIN_KEY), stream);
    }

    Target portkeyChat(PortkeyProcess p, String model, boolean stream) {
        return new Target(Suite.HOST, p.port(), HttpConn.request("POST", Suite.HOST, p.port(), "/v1/chat/completions",
                "application/json", String.format(CHAT, model, stream ? ",\"stream\":true" : ""), "bench-upstream-key",
                PortkeyProcess.routeTo(mock.baseUrl())), stream);
    }

    Target fanOutTarget() {
        return braidPost("/v1/pipelines/bench-fanout/invoke",
                "{\"input\":{\"text\":\"Hello, I am jane.doe@example.com and my phone is +1 415 555 0100. Please answer.\"}}", false);
    }

    // ---- the rounds -----------------------------------------------------------------------------

    /** JIT and connection warm-up of every gateway on every path the rounds take. */
    void warmup() throws InterruptedException {
        for (Gateway g : gateways) {
            LoadDriver.closed(g.chat(), 16, timing.warmup());
            LoadDriver.closed(g.stream(), 8, timing.warmup().dividedBy(3));
        }
        LoadDriver.closed(fanOutTarget(), 16, timing.warmup().dividedBy(3));
    }

    void run(int rounds) throws InterruptedException, IOException {
        List<Scenarios.RssSampler> samplers = new ArrayList<>();
        List<String> sampled = new ArrayList<>();
        for (Gateway g : gateways) {
            if (g.process().isPresent()) {
                samplers.add(Scenarios.RssSampler.start(g.process().get()));
                sampled.add(g.name());
            }
        }
        for (int r = 0; r < rounds; r++) {
            loads.add(loadAverage());
            List<Gateway> order = new ArrayList<>(gateways);
            java.util.Collections.rotate(order, -r);
            Map<String, Result> atRate = new LinkedHashMap<>();
            Map<String, Result> streams = new LinkedHashMap<>();
            for (Gateway g : order) {
                long t0 = ticks(g);
                Result c = count(g, LoadDriver.closed(g.chat(), 16, timing.run()));
                closed.add(g.name(), c.rate());
                if (g.process().isPresent()) {
                    cpuClosed.add(g.name(), cpuMicros(ticks(g) - t0, c.ok()));
                }
            }
            for (Gateway g : order) {
                long t0 = ticks(g);
                Result c = count(g, LoadDriver.open(g.chat(), RATE, timing.rateRun(), 32));
                atRate.put(g.name(), c);
                achieved.add(g.name(), c.rate());
                if (g.process().isPresent()) {
                    cpuRate.add(g.name(), cpuMicros(ticks(g) - t0, c.ok()));
                }
            }
            Map<String, Result> highs = new LinkedHashMap<>();
            for (Gateway g : order) {
                if (!g.name().equals(PORTKEY)) {
                    highs.put(g.name(), count(g, LoadDriver.open(g.chat(), HIGH_RATE, timing.run(), 64)));
                }
            }
            for (Gateway g : order) {
                streams.put(g.name(), count(g, LoadDriver.open(g.stream(), STREAM_RATE, timing.run(), 32)));
            }
            Result slowest = countDirect(LoadDriver.open(directChat("delay-60", false), FANOUT_RATE, timing.run(), 96));
            Result pipeline = countDirect(LoadDriver.open(fanOutTarget(), FANOUT_RATE, timing.run(), 96));

            Result d = atRate.get(DIRECT);
            Result ds = streams.get(DIRECT);
            direct.add(DIRECT, ms(d.latency(), 50), ms(d.latency(), 99), ms(ds.firstToken(), 50), ms(ds.firstToken(), 99));
            for (Gateway g : gateways) {
                if (g.name().equals(DIRECT)) {
                    continue;
                }
                Result v = atRate.get(g.name());
                overhead.add(g.name(), over(v.latency(), d.latency(), 50), over(v.latency(), d.latency(), 99));
                Result s = streams.get(g.name());
                firstToken.add(g.name(), over(s.firstToken(), ds.firstToken(), 50), over(s.firstToken(), ds.firstToken(), 99));
                if (highs.containsKey(g.name())) {
                    Result h = highs.get(g.name());
                    Result hd = highs.get(DIRECT);
                    high.add(g.name(), over(h.latency(), hd.latency(), 50), over(h.latency(), hd.latency(), 99), h.rate());
                }
            }
            Result hd = highs.get(DIRECT);
            high.add(DIRECT, ms(hd.latency(), 50), ms(hd.latency(), 99), hd.rate());
            fanOut.add(BRAID, over(pipeline.latency(), slowest.latency(), 50), over(pipeline.latency(), slowest.latency(), 99));
        }
        for (int i = 0; i < samplers.size(); i++) {
            peakRss.put(sampled.get(i), samplers.get(i).stop());
        }
    }

    private static long ticks(Gateway g) {
        return g.process().map(Measured::cpuTicks).orElse(0L);
    }

    /** CPU ticks (10 ms) over {@code requests} → µs per request. */
    static double cpuMicros(long ticks, long requests) {
        return requests == 0 ? Double.NaN : ticks * 10_000.0 / requests;
    }

    private Result count(Gateway g, Result r) {
        if (g.name().equals(PORTKEY)) {
            peerFailed.merge(PORTKEY, r.failed(), Long::sum);
        } else {
            failed += r.failed();
        }
        return r;
    }

    private Result countDirect(Result r) {
        failed += r.failed();
        return r;
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double over(Histogram via, Histogram direct, double percentile) {
        return ms(via, percentile) - ms(direct, percentile);
    }

    static String loadAverage() throws IOException {
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        String[] f = load.split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    // ---- report ---------------------------------------------------------------------------------

    List<Figure> figures() {
        return List.of(closed, cpuClosed, cpuRate, achieved, overhead, high, firstToken, fanOut, direct);
    }

    /** The per-round tables: one per figure, a row per round with the load average when the round began. */
    Section rounds() {
        List<String> names = gateways.stream().map(Gateway::name).toList();
        StringBuilder sb = new StringBuilder("Each round runs every gateway once, one after the other (the starting gateway rotates "
                + "from round to round); overheads are the gateway's percentile minus the direct call's in the same round. "
                + "Closed loop: 16 connections back to back for " + timing.run().toSeconds() + " s. Fixed rates: open model "
                + "(latency from each request's intended start, so a saturated gateway shows its queue), " + timing.rateRun().toSeconds()
                + " s at " + RATE + " req/s over up to 32 connections, " + timing.run().toSeconds() + " s at " + HIGH_RATE
                + " req/s over up to 64 (direct and Braid), " + STREAM_RATE + " streams/s; fan-out at " + FANOUT_RATE
                + " req/s against a direct call of its slowest (60 ms) branch. Chat bodies are about 1 KB. "
                + "Gateway CPU per request = the gateway process's utime+stime over the run (10 ms resolution) ÷ requests answered.\n\n");
        for (Figure f : figures()) {
            List<String> cols = names.stream().filter(f.byGateway::containsKey).toList();
            if (cols.isEmpty()) {
                continue;
            }
            sb.append("**").append(f.name).append("** (").append(f.unit).append(")\n\n| round | load average (1/5/15 min) at its start |");
            cols.forEach(c -> sb.append(' ').append(c).append(" |"));
            sb.append("\n|---|---|").append("---:|".repeat(cols.size())).append('\n');
            for (int r = 0; r < loads.size(); r++) {
                sb.append("| ").append(r + 1).append(" | ").append(loads.get(r)).append(" |");
                for (String c : cols) {
                    sb.append(' ').append(f.cell(c, r)).append(" |");
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        if (!peerFailed.isEmpty()) {
            sb.append("Portkey requests that failed or timed out (30 s) over all rounds: ").append(peerFailed.get(PORTKEY)).append(".\n\n");
        }
        return new Section("Side by side, round by round", sb.toString());
    }

    List<String> loads() {
        return loads;
    }
}
