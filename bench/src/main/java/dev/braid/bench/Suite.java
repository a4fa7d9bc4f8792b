package dev.braid.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The whole load suite in one run: starts the mock upstream and the Braid jar, runs every scenario
 * against Braid and against the mock directly, and writes a Markdown report. {@code --quick} runs
 * each scenario for about a second (the CI smoke); the real run takes about four minutes.
 *
 * <pre>java -cp … dev.braid.bench.Suite [--quick] [--out bench/RESULTS.md] [--jfr target/passthrough.jfr]</pre>
 */
public final class Suite {

    static final String HOST = "127.0.0.1";

    /** How long each part runs. */
    record Timing(Duration warmup, Duration run, Duration rateRun, Duration switchRun, Duration memoryRun, boolean heapCap) {
        static final Timing FULL = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(15),
                Duration.ofSeconds(12), Duration.ofSeconds(10), true);
        /** The smoke: every scenario about a second, one server (no second launch with a capped heap). */
        static final Timing QUICK = new Timing(Duration.ofMillis(1500), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(3), Duration.ofSeconds(1), false);
    }

    /** One measured line of a table. */
    record Row(String what, LoadDriver.Result result) {
    }

    /** What a run produced, for the report and for the smoke test. */
    record Outcome(List<Section> sections, long failed, Duration coldStart, long switchFailed,
            double activateMs, double rollbackMs, long peakRssKb) {
        Outcome with(Section extra) {
            List<Section> all = new ArrayList<>(sections);
            all.add(extra);
            return new Outcome(List.copyOf(all), failed, coldStart, switchFailed, activateMs, rollbackMs, peakRssKb);
        }
    }

    /** A report section: a title, a Markdown body. */
    record Section(String title, String body) {
    }

    private final Timing timing;
    private final Path logDir;
    private final List<String> jfr;
    private final List<Section> sections = new ArrayList<>();
    private long failed;

    Suite(Timing timing, Path logDir, List<String> jfr) {
        this.timing = timing;
        this.logDir = logDir;
        this.jfr = jfr;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean skipMicro = false;
        boolean passthroughOnly = false;
        Path out = Path.of("bench", "RESULTS.md");
        List<String> jfr = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-micro" -> skipMicro = true;
                case "--passthrough-only" -> passthroughOnly = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--jfr" -> jfr = List.of("-XX:StartFlightRecording=filename=" + Path.of(args[++i]).toAbsolutePath()
                        + ",settings=profile");
                case "--profile" -> {
                    profile(Path.of(args[++i]), Duration.ofSeconds(Long.parseLong(args[++i])));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Outcome outcome = new Suite(quick ? Timing.QUICK : Timing.FULL, Path.of("target", "bench-logs"), jfr).run(passthroughOnly);
        if (!skipMicro && !passthroughOnly) {
            outcome = outcome.with(Micro.section(Micro.run(quick)));
        }
        String report = Report.markdown(outcome, quick);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    /** Passthrough only, under JFR: warm-up, then {@code seconds} at concurrency 16 recorded to {@code jfrFile}. */
    static void profile(Path jfrFile, Duration duration) throws Exception {
        try (MockUpstream mock = MockUpstream.start();
                BraidProcess braid = BraidProcess.start(List.of(), Map.of("OPENAI_BASE_URL", mock.baseUrl(),
                        "OPENAI_API_KEY", "bench-upstream-key"), Path.of("target", "bench-logs"))) {
            braid.awaitFirstInvoke(Duration.ofSeconds(60));
            Scenarios s = new Scenarios(braid, mock, Timing.FULL);
            s.warmupPassthrough();
            HttpConn.Response start = s.jcmd("JFR.start", "settings=profile",
                    "filename=" + jfrFile.toAbsolutePath());
            System.out.println(start.text());
            LoadDriver.Result r = LoadDriver.closed(s.passthroughTarget(), 16, duration);
            System.out.println(Report.table(List.of(new Row("Braid, concurrency 16", r))));
            s.jcmd("JFR.stop", "filename=" + jfrFile.toAbsolutePath());
        }
    }

    /** Heap settings measured for RSS, CPU and cold start besides the defaults (a fresh server each). */
    static final List<List<String>> OTHER_FLAGS = List.of(List.of("-Xmx256m"), List.of("-Xmx256m", "-XX:+UseSerialGC"));

    Outcome run() throws Exception {
        return run(false);
    }

    /** @param passthroughOnly scenario 1 and memory only (for before/after comparisons of a server jar) */
    Outcome run(boolean passthroughOnly) throws Exception {
        try (MockUpstream mock = MockUpstream.start()) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", mock.baseUrl(), "OPENAI_API_KEY", "bench-upstream-key");
            List<String> flags = new ArrayList<>(jfr);
            Duration cold;
            long peakRss;
            double switchActivate = 0;
            double switchRollback = 0;
            long switchFailed = 0;
            List<Scenarios.Memory> memories = new ArrayList<>();
            List<Scenarios.Check> checks = new ArrayList<>();
            try (BraidProcess braid = BraidProcess.start(flags, env, logDir)) {
                cold = braid.awaitFirstInvoke(Duration.ofSeconds(60));
                Scenarios s = new Scenarios(braid, mock, timing);
                s.deployBenchPipelines();
                if (passthroughOnly) {
                    s.warmupPassthrough();
                } else {
                    s.warmup();
                }
                sections.add(s.passthrough());
                if (!passthroughOnly) {
                    sections.add(s.fanOut());
                    sections.add(s.streaming());
                    Scenarios.Switch sw = s.versionSwitch();
                    sections.add(sw.section());
                    switchFailed = sw.failed();
                    switchActivate = sw.activateMs();
                    switchRollback = sw.rollbackMs();
                }
                Scenarios.Memory defaults = s.memory("defaults (no flags)", cold);
                peakRss = defaults.peakRssKb();
                memories.add(defaults);
                failed += s.failed();
                checks.addAll(s.checks());
            }
            if (timing.heapCap() && !passthroughOnly) {
                for (List<String> other : OTHER_FLAGS) {
                    try (BraidProcess small = BraidProcess.start(other, env, logDir)) {
                        Duration c = small.awaitFirstInvoke(Duration.ofSeconds(60));
                        Scenarios s = new Scenarios(small, mock, timing);
                        s.warmupPassthrough();
                        memories.add(s.memory(String.join(" ", other), c));
                        failed += s.failed();
                        checks.addAll(s.checks());
                    }
                }
            }
            sections.add(Scenarios.memorySection(memories));
            sections.add(0, targets(checks));
            return new Outcome(List.copyOf(sections), failed, cold, switchFailed, switchActivate, switchRollback, peakRss);
        }
    }

    static Section targets(List<Scenarios.Check> checks) {
        StringBuilder sb = new StringBuilder("Issue #8's targets (2 cores, mock on loopback), computed from the tables below.\n\n"
                + "| target | measured | |\n|---|---|---|\n");
        for (Scenarios.Check c : checks) {
            sb.append("| ").append(c.target()).append(" | ").append(c.measured()).append(" | ").append(c.met() ? "met" : "**missed**").append(" |\n");
        }
        return new Section("Targets", sb.toString());
    }

    /** Formats microsecond histograms and results as Markdown. */
    static final class Report {

        private Report() {
        }

        static String ms(double micros) {
            return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
        }

        static String table(List<Row> rows) {
            StringBuilder sb = new StringBuilder()
                    .append("| | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | failed |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                Histogram h = r.result().latency();
                sb.append("| ").append(r.what()).append(" | ")
                        .append(String.format(Locale.ROOT, "%.0f", r.result().rate())).append(" | ")
                        .append(ms(h.getValueAtPercentile(50))).append(" | ")
                        .append(ms(h.getValueAtPercentile(90))).append(" | ")
                        .append(ms(h.getValueAtPercentile(99))).append(" | ")
                        .append(ms(h.getValueAtPercentile(99.9))).append(" | ")
                        .append(ms(h.getMaxValue())).append(" | ")
                        .append(r.result().failed()).append(" |\n");
            }
            return sb.toString();
        }

        /** One line with Braid minus direct at each percentile. */
        static String overhead(String what, Histogram braid, Histogram direct) {
            return "| " + what + " | | "
                    + ms(braid.getValueAtPercentile(50) - direct.getValueAtPercentile(50)) + " | "
                    + ms(braid.getValueAtPercentile(90) - direct.getValueAtPercentile(90)) + " | "
                    + ms(braid.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) + " | "
                    + ms(braid.getValueAtPercentile(99.9) - direct.getValueAtPercentile(99.9)) + " | | |\n";
        }

        static String markdown(Outcome o, boolean quick) throws IOException, InterruptedException {
            StringBuilder sb = new StringBuilder("# Braid benchmark results\n\n");
            sb.append("Generated by `bench/run.sh` on ").append(Instant.now()).append(quick ? " (**--quick smoke run: numbers are not meaningful**)" : "")
                    .append(". Every number below comes from this one run; overheads are Braid minus a direct call to the same mock upstream in the same run.\n\n");
            sb.append("## Machine\n\n").append(Machine.describe()).append('\n');
            for (Section s : o.sections()) {
                sb.append("## ").append(s.title()).append("\n\n").append(s.body()).append('\n');
            }
            try (var notes = Suite.class.getResourceAsStream("notes.md")) {
                if (notes != null) {
                    sb.append(new String(notes.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return sb.toString();
        }
    }

    /** Facts about where the numbers were taken. */
    static final class Machine {

        private Machine() {
        }

        static String describe() throws IOException, InterruptedException {
            String cpu = "?";
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            String mem = "?";
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    mem = String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0);
                }
            }
            String os = "?";
            Path osRelease = Path.of("/etc/os-release");
            if (Files.exists(osRelease)) {
                for (String line : Files.readAllLines(osRelease)) {
                    if (line.startsWith("PRETTY_NAME=")) {
                        os = line.substring(12).replace("\"", "");
                    }
                }
            }
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            return "| | |\n|---|---|\n"
                    + "| CPU | " + cpu + " |\n"
                    + "| cores | " + Runtime.getRuntime().availableProcessors() + " |\n"
                    + "| memory | " + mem + " |\n"
                    + "| OS | " + os + " (kernel " + System.getProperty("os.version") + ") |\n"
                    + "| JDK | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " |\n"
                    + "| Braid commit | " + git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain").isBlank() ? "" : " (+ uncommitted changes)") + " |\n"
                    + "| load average at the end (1/5/15 min) | " + load.substring(0, nthSpace(load, 3)) + " |\n"
                    + "| driver JVM | " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()) + " |\n";
        }

        private static int nthSpace(String s, int n) {
            int at = -1;
            for (int i = 0; i < n; i++) {
                at = s.indexOf(' ', at + 1);
                if (at < 0) {
                    return s.length();
                }
            }
            return at;
        }

        static String git(String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "?";
        }
    }

    static AtomicLong counter() {
        return new AtomicLong();
    }
}
