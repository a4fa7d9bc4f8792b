package dev.braid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The suite's smoke, so it never rots: every scenario for about a second against the real server jar
 * and the mock upstream, and every micro-benchmark for 100 ms in-process. Asserts that numbers came
 * out and nothing failed, never how fast (CI machines vary too much).
 */
class BenchSmokeTest {

    private static final Pattern ROW = Pattern.compile("^\\| ([^|]+) \\| (\\d+) \\| (\\d+\\.\\d+) \\| (\\d+\\.\\d+) \\| (\\d+\\.\\d+) \\|", Pattern.MULTILINE);

    @Test
    void everyScenarioProducesNumbersWithoutFailures() throws Exception {
        Suite.Outcome o = new Suite(Suite.Timing.QUICK, Path.of("target", "bench-logs"), List.of()).run();
        assertEquals(0, o.failed(), "failed requests");
        assertEquals(0, o.switchFailed(), "version switch: failed requests, admin calls or a version never seen");
        assertTrue(o.activateMs() >= 0 && o.rollbackMs() >= 0, "both versions were observed serving");
        assertTrue(o.coldStart().compareTo(Duration.ZERO) > 0);
        assertTrue(o.peakRssKb() > 0, "RSS read from /proc");
        List<String> titles = o.sections().stream().map(Suite.Section::title).toList();
        assertEquals(List.of("Targets", "1. Passthrough", "2. Fan-out pipeline", "3. Streaming",
                "4. Version activation and rollback under load", "5. Memory, CPU and cold start"), titles);
        for (int i : new int[] {1, 2, 3}) {
            Matcher rows = ROW.matcher(o.sections().get(i).body());
            int measured = 0;
            while (rows.find()) {
                assertTrue(Long.parseLong(rows.group(2)) > 0, "req/s in " + rows.group(0));
                measured++;
            }
            assertTrue(measured >= 2, "rows with req/s and percentiles in " + titles.get(i) + ":\n" + o.sections().get(i).body());
        }
        String report = Suite.Report.markdown(o, true);
        assertTrue(report.contains("| cores | "), report);
    }

    @Test
    void everyMicroBenchmarkRuns() throws Exception {
        List<Micro.Score> scores = Micro.run(true);
        assertEquals(8, scores.size(), scores.toString());
        for (Micro.Score s : scores) {
            assertTrue(s.micros() > 0 && Double.isFinite(s.micros()), s.toString());
        }
        assertTrue(Micro.section(scores).body().contains("mask2kPrompt"));
    }
}
