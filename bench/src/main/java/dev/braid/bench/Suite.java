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
import java.util.Optional;
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

    /** How long and how often each part runs. */
    record Timing(Duration warmup, Duration run, Duration rateRun, Duration switchRun, int rounds, long cpuRequests,
            int cpuRepetitions, int coldStarts, Duration settle, DeployCost.Plan deployPlan, boolean pin) {
        static final Timing FULL = new Timing(Duration.ofSeconds(12), Duration.ofSeconds(6), Duration.ofSeconds(8),
                Duration.ofSeconds(12), 3, 10_000, 3, 5, Duration.ofSeconds(2), DeployCost.Plan.FULL, true);
        /** The smoke: one round, every scenario about a second, one start of each kind, small deploys. */
        static final Timing QUICK = new Timing(Duration.ofMillis(1500), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(3), 1, 300, 1, 1, Duration.ofMillis(300), DeployCost.Plan.QUICK, false);
    }

    /** What to leave out of a run. */
    record Skips(boolean peer, boolean deployCost) {
        static final Skips NONE = new Skips(false, false);
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
    private final Skips skips;
    private final List<Section> sections = new ArrayList<>();
    private long failed;

    Suite(Timing timing, Path logDir, List<String> jfr) {
        this(timing, logDir, jfr, Skips.NONE);
    }

    Suite(Timing timing, Path logDir, List<String> jfr, Skips skips) {
        this.timing = timing;
        this.logDir = logDir;
        this.jfr = jfr;
        this.skips = skips;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean skipMicro = false;
        boolean skipPeer = false;
        boolean skipDeploy = false;
        Path out = Path.of("bench", "RESULTS.md");
        List<String> jfr = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-micro" -> skipMicro = true;
                case "--no-peer" -> skipPeer = true;
                case "--no-deploy-cost" -> skipDeploy = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--jfr" -> jfr = List.of("-XX:StartFlightRecording=filename=" + Path.of(args[++i]).toAbsolutePath()
                        + ",settings=profile");
                case "--deploy-cost-only" -> {
                    // issue 13 item 3's figures alone (a few minutes): deploy and restart cost against what is loaded
                    DeployCost d = new DeployCost(quick ? DeployCost.Plan.QUICK : DeployCost.Plan.FULL, Map.of(),
                            Path.of("target", "bench-logs"));
                    d.run();
                    System.out.println(d.section().body());
                    return;
                }
                case "--profile" -> {
                    profile(Path.of(args[++i]), Duration.ofSeconds(Long.parseLong(args[++i])));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Outcome outcome = new Suite(quick ? Timing.QUICK : Timing.FULL, Path.of("target", "bench-logs"), jfr,
                new Skips(skipPeer, skipDeploy)).run();
        if (!skipMicro) {
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

    /**
     * The gateway on core 1, this JVM (driver and mock) on core 0, as issue #17 measured; only in the full run, on
     * a machine with 2 cores or more and {@code taskset}. Empty: nothing pinned.
     */
    List<String> pinning() throws IOException, InterruptedException {
        if (!timing.pin() || Runtime.getRuntime().availableProcessors() < 2 || !Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            return List.of();
        }
        Process self = new ProcessBuilder("taskset", "-a", "-p", "-c", "0", Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        self.getInputStream().readAllBytes();
        return self.waitFor() == 0 ? List.of("taskset", "-c", "1") : List.of();
    }

    /** The way the README starts the server: {@code bin/braid-server} when the checkout has it, else {@code java -jar}. */
    static BraidProcess.Launch readmeLaunch(List<String> jfr) {
        return BraidProcess.script().<BraidProcess.Launch>map(BraidProcess.Launch.Script::new)
                .orElse(new BraidProcess.Launch.Jar(jfr));
    }

    Outcome run() throws Exception {
        try (MockUpstream mock = MockUpstream.start()) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", mock.baseUrl(), "OPENAI_API_KEY", "bench-upstream-key");
            List<String> pin = pinning();
            PortkeyProcess.Install peer = skips.peer()
                    ? new PortkeyProcess.Install(Optional.empty(), "skipped (--no-peer)")
                    : PortkeyProcess.install(timing != Timing.QUICK);
            BraidProcess.Launch launch = readmeLaunch(jfr);
            Duration cold;
            long braidIdleKb;
            long portkeyIdleKb = -1;
            Scenarios.Switch sw;
            SideBySide sbs;
            CpuPerRequest cpu = new CpuPerRequest(timing.cpuRequests(), timing.cpuRepetitions());
            List<Scenarios.Check> checks = new ArrayList<>();
            try (BraidProcess braid = BraidProcess.start(launch, pin, env, logDir, null);
                    Closer<PortkeyProcess> portkey = new Closer<>(peer.ready()
                            ? PortkeyProcess.start(peer.entry().get(), pin, logDir) : null)) {
                cold = braid.awaitFirstInvoke(Duration.ofSeconds(120));
                if (portkey.value() != null) {
                    portkey.value().awaitFirst(mock.baseUrl(), Duration.ofSeconds(60));
                }
                Thread.sleep(timing.settle().toMillis());
                braidIdleKb = braid.rssKb();
                if (portkey.value() != null) {
                    portkeyIdleKb = portkey.value().rssKb();
                }
                Scenarios s = new Scenarios(braid, mock, timing);
                s.deployBenchPipelines();
                sbs = new SideBySide(mock, braid, Optional.ofNullable(portkey.value()), timing);
                sbs.warmup();
                sbs.run(timing.rounds());
                failed += sbs.failed();
                sections.add(sbs.rounds());

                cpu.measure("passthrough chat (`/v1/chat/completions`, 1 KB body)", SideBySide.BRAID, braid, sbs.braidChat("bench", false));
                if (portkey.value() != null) {
                    cpu.measure("passthrough chat (`/v1/chat/completions`, 1 KB body)", SideBySide.PORTKEY, portkey.value(),
                            sbs.portkeyChat(portkey.value(), "bench", false));
                }
                cpu.measure("pipeline `echo`, non-streaming invoke", SideBySide.BRAID, braid,
                        sbs.braidPost("/v1/pipelines/echo/invoke", "{\"input\":{\"text\":\"Say hello to the benchmark.\"}}", false));
                cpu.measure("one-model pipeline (`bench-one`), invoke", SideBySide.BRAID, braid,
                        sbs.braidPost("/v1/pipelines/bench-one/invoke", "{\"input\":{\"text\":\"Say hello to the benchmark.\"}}", false));
                cpu.measures().forEach(m -> failed += m.gateway().equals(SideBySide.PORTKEY) ? 0 : m.failed());
                sections.add(cpu.section());

                s.warmupSwitch();
                sw = s.versionSwitch();
                sections.add(sw.section());
                failed += s.failed();
                checks.addAll(s.checks());
            }

            List<ColdStart.Series> starts = new ArrayList<>();
            starts.add(ColdStart.braid(new BraidProcess.Launch.Jar(List.of()), timing.coldStarts(), env, logDir, timing.settle()));
            if (launch instanceof BraidProcess.Launch.Script) {
                starts.add(ColdStart.braid(launch, timing.coldStarts(), env, logDir, timing.settle()));
            }
            if (peer.ready()) {
                starts.add(ColdStart.portkey(peer.entry().get(), timing.coldStarts(), mock.baseUrl(), logDir, timing.settle()));
            }
            sections.add(ColdStart.section(starts, timing.settle()));

            DeployCost deploys = null;
            if (!skips.deployCost()) {
                deploys = new DeployCost(timing.deployPlan(), env, logDir);
                deploys.run();
                sections.add(deploys.section());
            }

            Figures f = new Figures(sbs, cpu, starts, deploys, peer, launch, pin, braidIdleKb, portkeyIdleKb);
            sections.add(0, f.summary());
            sections.add(0, targets(f.checks(), checks));
            long peak = sbs.peakRss().getOrDefault(SideBySide.BRAID, 0L);
            return new Outcome(List.copyOf(sections), failed, cold, sw.failed(), sw.activateMs(), sw.rollbackMs(), peak);
        }
    }

    /** Closes a value that may be absent. */
    record Closer<T extends AutoCloseable>(T value) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (value != null) {
                value.close();
            }
        }
    }

    static Section targets(List<Scenarios.Check> issue17, List<Scenarios.Check> issue8) {
        StringBuilder sb = new StringBuilder("Issue #17's targets (and issue #13's for deploy and restart), each from the tables below: "
                + "figures over rounds are the median of the rounds.\n\n| target | measured | |\n|---|---|---|\n");
        for (Scenarios.Check c : issue17) {
            sb.append("| ").append(c.target()).append(" | ").append(c.measured()).append(" | ").append(c.met() ? "met" : "**missed**").append(" |\n");
        }
        sb.append("\nIssue #8's targets still meaningful (the version switch):\n\n| target | measured | |\n|---|---|---|\n");
        for (Scenarios.Check c : issue8) {
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
