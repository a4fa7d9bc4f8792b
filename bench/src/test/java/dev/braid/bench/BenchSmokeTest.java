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

    /** A row of a per-round table: round, load average, then a number for direct and one for Braid. */
    private static final Pattern ROUND = Pattern.compile("^\\| 1 \\| [^|]+ \\| ([0-9.,]+) \\| ([0-9.,]+) \\|", Pattern.MULTILINE);

    @Test
    void everyScenarioProducesNumbersWithoutFailures() throws Exception {
        Suite.Outcome o = new Suite(Suite.Timing.QUICK, Path.of("target", "bench-logs"), List.of()).run();
        assertEquals(0, o.failed(), "failed requests to direct or Braid");
        assertEquals(0, o.switchFailed(), "version switch: failed requests, admin calls or a version never seen");
        assertTrue(o.activateMs() >= 0 && o.rollbackMs() >= 0, "both versions were observed serving");
        assertTrue(o.coldStart().compareTo(Duration.ZERO) > 0);
        assertTrue(o.peakRssKb() > 0, "RSS read from /proc");
        List<String> titles = o.sections().stream().map(Suite.Section::title).toList();
        assertEquals(List.of("Targets", "Braid, Portkey and direct in one run", "Side by side, round by round", "CPU per request",
                "Version activation and rollback under load", "Cold start and idle memory", "Deploy and restart cost"), titles);
        String rounds = o.sections().get(2).body();
        Matcher closedLoop = ROUND.matcher(rounds.substring(rounds.indexOf("**closed loop")));
        assertTrue(closedLoop.find(), rounds);
        assertTrue(Double.parseDouble(closedLoop.group(1).replace(",", "")) > 0, "direct req/s: " + closedLoop.group(0));
        assertTrue(Double.parseDouble(closedLoop.group(2).replace(",", "")) > 0, "Braid req/s: " + closedLoop.group(0));
        String targets = o.sections().get(0).body();
        for (String t : List.of("CPU per passthrough chat request", "overhead at 1,000 req/s", "5,000 req/s", "first-token",
                "fan-out", "RSS ≤ 150 MB", "cold start", "a peer in the same run", "deploy", "restart with")) {
            assertTrue(targets.contains(t), "a target line for " + t + ":\n" + targets);
        }
        assertTrue(o.sections().get(6).body().contains("| 1 | 0 |"), "the first deploy, nothing loaded, answered:\n" + o.sections().get(6).body());
        String report = Suite.Report.markdown(o, true);
        assertTrue(report.contains("| cores | "), report);
    }

    @Test
    void everyMicroBenchmarkRuns() throws Exception {
        List<Micro.Score> scores = Micro.run(true);
        assertEquals(11, scores.size(), scores.toString()); // HotPaths 6, OpenAiMapping 2, ArmDecision 3
        for (Micro.Score s : scores) {
            assertTrue(s.micros() > 0 && Double.isFinite(s.micros()), s.toString());
        }
        assertTrue(Micro.section(scores).body().contains("mask2kPrompt"));
        assertTrue(Micro.section(scores).body().contains("ArmDecision.stickyKey"));
    }
}
