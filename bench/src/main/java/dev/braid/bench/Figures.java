package dev.braid.bench;

import dev.braid.bench.Scenarios.Check;
import dev.braid.bench.Suite.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Issue #17's table refilled from one run (Braid, Portkey, direct side by side; ranges over the rounds) and its
 * targets, each met or missed with the figure that decided it.
 */
final class Figures {

    private final SideBySide sbs;
    private final CpuPerRequest cpu;
    private final List<ColdStart.Series> starts;
    private final DeployCost deploys;
    private final PortkeyProcess.Install peer;
    private final BraidProcess.Launch launch;
    private final List<String> pin;
    private final long braidIdleKb;
    private final long portkeyIdleKb;

    Figures(SideBySide sbs, CpuPerRequest cpu, List<ColdStart.Series> starts, DeployCost deploys, PortkeyProcess.Install peer,
            BraidProcess.Launch launch, List<String> pin, long braidIdleKb, long portkeyIdleKb) {
        this.sbs = sbs;
        this.cpu = cpu;
        this.starts = starts;
        this.deploys = deploys;
        this.peer = peer;
        this.launch = launch;
        this.pin = pin;
        this.braidIdleKb = braidIdleKb;
        this.portkeyIdleKb = portkeyIdleKb;
    }

    private static String mib(long kb) {
        return kb <= 0 ? "—" : String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0);
    }

    private Optional<CpuPerRequest.Measure> cpuOf(String prefix, String gateway) {
        return cpu.measures().stream().filter(m -> m.what().startsWith(prefix) && m.gateway().equals(gateway)).findFirst();
    }

    private static String us(Optional<CpuPerRequest.Measure> m) {
        return m.map(x -> String.format(Locale.ROOT, "%.0f µs", x.median())).orElse("—");
    }

    private Optional<ColdStart.Series> start(String prefix) {
        return starts.stream().filter(s -> s.how().startsWith(prefix)).findFirst();
    }

    private static String startCell(Optional<ColdStart.Series> s) {
        return s.map(x -> String.format(Locale.ROOT, "%.2f s (%.2f s CPU), median of %d", x.medianSeconds(), x.medianCpu(),
                x.samples().size())).orElse("—");
    }

    private String peerCell(String value) {
        return peer.ready() ? value : "not run (" + peer.reason() + ")";
    }

    Section summary() {
        String pk = SideBySide.PORTKEY;
        String br = SideBySide.BRAID;
        String d = SideBySide.DIRECT;
        StringBuilder sb = new StringBuilder("Issue #17's table, refilled by this run: ranges are min–max over the "
                + sbs.loads().size() + " rounds (the per-round tables below have each value and the load average). Braid started as `"
                + launch.describe() + "`" + (pin.isEmpty() ? ", not pinned" : ", pinned with `" + String.join(" ", pin)
                + "` (Portkey too), driver and mock on core 0") + "; Portkey " + PortkeyProcess.VERSION
                + " (Node " + nodeVersion() + ") " + (peer.ready() ? "from bench/target/portkey" : "not run: " + peer.reason())
                + ". Read the ratios: the machine is shared.\n\n"
                + "| figure | Braid | Portkey " + PortkeyProcess.VERSION + " (Node) | direct |\n| --- | --- | --- | --- |\n");
        row(sb, "closed loop, 16 connections, req/s", sbs.closed.range(br), peerCell(sbs.closed.range(pk)), sbs.closed.range(d));
        row(sb, "gateway CPU per passthrough request, µs: closed loop; at 1,000 req/s; fixed count (median)",
                sbs.cpuClosed.range(br) + "; " + sbs.cpuRate.range(br) + "; " + us(cpuOf("passthrough", br)),
                peerCell(sbs.cpuClosed.range(pk) + "; " + sbs.cpuRate.range(pk) + "; " + us(cpuOf("passthrough", pk))), "—");
        row(sb, "CPU per request, non-streaming invoke of `echo` / of a one-model pipeline (median)",
                us(cpuOf("pipeline `echo`", br)) + " / " + us(cpuOf("one-model", br)), "—", "—");
        row(sb, "overhead at 1,000 req/s, p50 / p99, ms (achieved req/s)", sbs.overhead.range(br) + " (" + sbs.achieved.range(br) + ")",
                peerCell(sbs.overhead.range(pk) + " (" + sbs.achieved.range(pk) + ")"),
                "latency " + sbs.direct.range(d).split(" / ")[0] + " / " + rangePart(sbs.direct.range(d), 1));
        row(sb, "overhead at 5,000 req/s, p50 / p99, ms (achieved req/s)", withRate(sbs.high.range(br)), "—",
                "latency " + withRate(sbs.high.range(d)));
        row(sb, "streaming first-token overhead, p50 / p99, ms", sbs.firstToken.range(br), peerCell(sbs.firstToken.range(pk)),
                "first token " + rangePart(sbs.direct.range(d), 2) + " / " + rangePart(sbs.direct.range(d), 3));
        row(sb, "fan-out, over the slowest branch, p50 / p99 at 500 req/s, ms", sbs.fanOut.range(br), "—", "—");
        row(sb, "RSS under load (peak during the rounds)", mib(sbs.peakRss().getOrDefault(br, 0L)),
                peerCell(mib(sbs.peakRss().getOrDefault(pk, 0L))), "—");
        row(sb, "RSS idle after start (the rounds' process; fresh starts, median)",
                mib(braidIdleKb) + "; " + start("java").map(s -> String.format(Locale.ROOT, "%.0f MiB", s.medianIdleMb())).orElse("—"),
                peerCell(mib(portkeyIdleKb) + "; " + start("Portkey").map(s -> String.format(Locale.ROOT, "%.0f MiB", s.medianIdleMb())).orElse("—")),
                "—");
        row(sb, "cold start to the first 200, `java -jar braid-server.jar`", startCell(start("java")),
                peerCell(startCell(start("Portkey"))), "—");
        if (launch instanceof BraidProcess.Launch.Script) {
            row(sb, "cold start to the first 200, `bin/braid-server`", startCell(start("bin/")), "—", "—");
        }
        if (deploys != null) {
            row(sb, "1,000-step deploy with N steps loaded", deployCell(), "—", "—");
            row(sb, "restart, launch to a stored pipeline's first 200", String.join("; ", deploys.starts.stream()
                    .filter(s -> s.what().startsWith("restart"))
                    .map(s -> String.format(Locale.ROOT, "%s: %.2f s", s.what().substring("restart ".length()), s.seconds())).toList()),
                    "—", "—");
        }
        return new Section("Braid, Portkey and direct in one run", sb.toString());
    }

    private static String rangePart(String range, int i) {
        String[] parts = range.split(" / ");
        return i < parts.length ? parts[i] : "—";
    }

    /** "a / b / r" → "a / b (r req/s)". */
    private static String withRate(String range) {
        String[] parts = range.split(" / ");
        return parts.length == 3 ? parts[0] + " / " + parts[1] + " (" + parts[2] + " req/s)" : range;
    }

    private String deployCell() {
        List<String> parts = new ArrayList<>();
        for (DeployCost.Deploy x : deploys.deploys) {
            parts.add(String.format(Locale.ROOT, "N=%,d: %.2f s%s", x.loadedSteps(), x.millis() / 1000,
                    x.status() / 100 == 2 ? "" : " (" + x.status() + ")"));
        }
        return parts.isEmpty() ? "—" : String.join("; ", parts);
    }

    private static void row(StringBuilder sb, String what, String braid, String portkey, String direct) {
        sb.append("| ").append(what).append(" | ").append(braid).append(" | ").append(portkey).append(" | ").append(direct).append(" |\n");
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? v : "?";
        } catch (java.io.IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    // ---- targets --------------------------------------------------------------------------------

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    List<Check> checks() {
        String br = SideBySide.BRAID;
        List<Check> c = new ArrayList<>();
        for (String[] t : new String[][] {{"passthrough", "passthrough chat request"}, {"pipeline `echo`", "non-streaming invoke of `echo`"},
                {"one-model", "invoke of a one-model pipeline"}}) {
            Optional<CpuPerRequest.Measure> m = cpuOf(t[0], br);
            c.add(new Check("CPU per " + t[1] + " ≤ 50 µs", us(m) + " (fixed count, median)", m.map(x -> x.median() <= 50).orElse(false)));
        }
        double p50 = sbs.overhead.median(br, 0);
        double p99 = sbs.overhead.median(br, 1);
        c.add(new Check("overhead at 1,000 req/s vs direct, p50 ≤ 0.2 ms", f2(p50) + " ms (rounds: " + rangePart(sbs.overhead.range(br), 0) + ")", p50 <= 0.2));
        c.add(new Check("overhead at 1,000 req/s vs direct, p99 ≤ 1 ms", f2(p99) + " ms (rounds: " + rangePart(sbs.overhead.range(br), 1) + ")", p99 <= 1));
        double h99 = sbs.high.median(br, 1);
        double hRate = sbs.high.median(br, 2);
        c.add(new Check("overhead at 5,000 req/s, p99 ≤ 2 ms", f2(h99) + " ms at " + String.format(Locale.ROOT, "%.0f", hRate)
                + " req/s achieved (rounds: " + rangePart(sbs.high.range(br), 1) + ")", h99 <= 2 && hRate >= 0.95 * SideBySide.HIGH_RATE));
        double t50 = sbs.firstToken.median(br, 0);
        double t99 = sbs.firstToken.median(br, 1);
        c.add(new Check("streaming first-token overhead p50 ≤ 0.5 ms", f2(t50) + " ms", t50 <= 0.5));
        c.add(new Check("streaming first-token overhead p99 ≤ 2 ms", f2(t99) + " ms", t99 <= 2));
        double f50 = sbs.fanOut.median(br, 0);
        double f99 = sbs.fanOut.median(br, 1);
        c.add(new Check("fan-out over the slowest branch at 500 req/s, p50 ≤ 0.5 ms", f2(f50) + " ms", f50 <= 0.5));
        c.add(new Check("fan-out over the slowest branch at 500 req/s, p99 ≤ 2 ms", f2(f99) + " ms", f99 <= 2));
        long peak = sbs.peakRss().getOrDefault(br, 0L);
        c.add(new Check("RSS ≤ 150 MB under load, started as the README does (`" + launch.describe() + "`)",
                String.format(Locale.ROOT, "%.0f MB peak", peak * 1024 / 1e6), peak > 0 && peak * 1024 <= 150_000_000L));
        c.add(new Check("RSS ≤ 120 MB idle, started as the README does", String.format(Locale.ROOT, "%.0f MB", braidIdleKb * 1024 / 1e6),
                braidIdleKb > 0 && braidIdleKb * 1024 <= 120_000_000L));
        for (ColdStart.Series s : starts) {
            if (!s.how().startsWith("Portkey")) {
                c.add(new Check("cold start to the first 200 ≤ 1 s, `" + s.how() + "`", String.format(Locale.ROOT, "%.2f s (median of %d)",
                        s.medianSeconds(), s.samples().size()), s.medianSeconds() <= 1.0));
            }
        }
        c.add(new Check("a peer in the same run (Portkey " + PortkeyProcess.VERSION + ")", peer.ready() ? "measured in every round"
                : "not run: " + peer.reason(), peer.ready()));
        if (deploys != null) {
            int wanted = 10 * deploys.plan().big();
            Optional<DeployCost.Deploy> largest = deploys.largest();
            boolean reached = largest.map(x -> x.loadedSteps() >= wanted).orElse(false);
            c.add(new Check(String.format(Locale.ROOT, "issue #13: a %,d-step deploy ≤ 1 s with %,d steps loaded", deploys.plan().big(), wanted),
                    largest.map(x -> String.format(Locale.ROOT, "%.2f s with %,d loaded%s", x.millis() / 1000, x.loadedSteps(),
                            reached ? "" : " (the most this run reached)")).orElse("no deploy succeeded"),
                    reached && largest.get().millis() <= 1000));
            Optional<DeployCost.Start> r = deploys.restartWithPipelines();
            c.add(new Check("issue #13: restart with " + deploys.plan().pipelines() + " pipelines ≤ 10 s",
                    r.map(x -> String.format(Locale.ROOT, "%.2f s", x.seconds())).orElse("not measured"), r.map(x -> x.seconds() <= 10).orElse(false)));
        }
        return c;
    }
}
