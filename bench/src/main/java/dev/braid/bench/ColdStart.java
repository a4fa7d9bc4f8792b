package dev.braid.bench;

import dev.braid.bench.Suite.Section;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cold start to the first 200, a fresh process (and for Braid a fresh H2 database) each time, started the ways
 * the README starts it, unpinned: seconds from launch, CPU seconds the process had spent by then, and its RSS
 * idle a moment later. Braid's first 200 is {@code POST /v1/pipelines/echo/invoke}; Portkey's a chat completion
 * through it to the mock.
 */
final class ColdStart {

    /** One start. */
    record Sample(double seconds, double cpuSeconds, long idleRssKb) {
    }

    /** The starts of one way of launching. */
    record Series(String how, List<Sample> samples) {
        double medianSeconds() {
            return median(samples.stream().mapToDouble(Sample::seconds).toArray());
        }

        double medianCpu() {
            return median(samples.stream().mapToDouble(Sample::cpuSeconds).toArray());
        }

        double medianIdleMb() {
            return median(samples.stream().mapToDouble(s -> s.idleRssKb() / 1024.0).toArray());
        }
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private ColdStart() {
    }

    static Series braid(BraidProcess.Launch launch, int n, Map<String, String> env, Path logDir, Duration settle)
            throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (BraidProcess b = BraidProcess.start(launch, List.of(), env, logDir, null)) {
                Duration d = b.awaitFirstInvoke(Duration.ofSeconds(120));
                double cpu = b.cpuSeconds();
                Thread.sleep(settle.toMillis());
                samples.add(new Sample(d.toMillis() / 1000.0, cpu, b.rssKb()));
            }
        }
        return new Series(launch.describe(), samples);
    }

    static Series portkey(Path entry, int n, String upstream, Path logDir, Duration settle) throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (PortkeyProcess p = PortkeyProcess.start(entry, List.of(), logDir)) {
                Duration d = p.awaitFirst(upstream, Duration.ofSeconds(60));
                double cpu = p.cpuTicks() / 100.0;
                Thread.sleep(settle.toMillis());
                samples.add(new Sample(d.toMillis() / 1000.0, cpu, p.rssKb()));
            }
        }
        return new Series("Portkey " + PortkeyProcess.VERSION + ": node start-server.js", samples);
    }

    static Section section(List<Series> series, Duration settle) {
        StringBuilder sb = new StringBuilder("Fresh processes, not pinned, each until its first 200 (polled every 10 ms); idle RSS = VmRSS "
                + settle.toMillis() + " ms after that 200. Medians of the starts; every start listed.\n\n"
                + "| started as | starts | cold start s, median | CPU s by then, median | idle RSS MiB, median | each start: s (CPU s, MiB) |\n"
                + "|---|---:|---:|---:|---:|---|\n");
        for (Series s : series) {
            List<String> each = new ArrayList<>();
            for (Sample x : s.samples()) {
                each.add(String.format(Locale.ROOT, "%.2f (%.2f, %d)", x.seconds(), x.cpuSeconds(), x.idleRssKb() / 1024));
            }
            sb.append("| `").append(s.how()).append("` | ").append(s.samples().size()).append(" | ")
                    .append(String.format(Locale.ROOT, "**%.2f**", s.medianSeconds())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", s.medianCpu())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", s.medianIdleMb())).append(" | ")
                    .append(String.join("; ", each)).append(" |\n");
        }
        return new Section("Cold start and idle memory", sb.toString());
    }
}
