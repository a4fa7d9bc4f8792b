package dev.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code braid release} against the real server (a child JVM with a fast guard): a candidate that
 * fails on purpose is rolled back by the guard while {@code status --watch} follows it (exit 1), a
 * plain {@code rollback} never returns to it (exit 1, nothing_to_roll_back), a healthy one is promoted
 * by hand (exit 0), and {@code status} without a running release is exit 7.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliReleaseAgainstRealServerTest {

    @TempDir
    static Path work;

    ServerProcess server;

    @BeforeAll
    void start() throws Exception {
        server = ServerProcess.start("cli-release", work, Map.of("BRAID_PIPELINES_SHIPPED", "false",
                "BRAID_RELEASES_EVALUATE_INTERVAL", "200ms", "BRAID_USAGE_FLUSH_INTERVAL", "100ms"))
                .awaitHealthy(Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    CliRun braid(String... args) {
        return CliRun.braid(Map.of("BRAID_URL", server.url().toString(), "BRAID_ADMIN_KEY", ServerProcess.ADMIN_KEY),
                args);
    }

    Path version(int v, String targetOptions) throws IOException {
        return Files.writeString(work.resolve("demo-v" + v + ".yaml"), """
                apiVersion: braid/v1
                kind: Pipeline
                name: demo
                steps:
                  - id: ask
                    model:
                      task: chat
                      targets: [{ provider: mock, model: m%d%s }]
                      retries: 0
                      prompt: { user: "hello" }
                """.formatted(v, targetOptions));
    }

    @Test
    void theGuardRollsBackWhileStatusWatchesAndRollbackNeverReturnsToTheCandidate() throws Exception {
        assertEquals(0, braid("deploy", version(1, "").toString()).exit());
        assertEquals(0, braid("deploy", version(2, ", failWith: 500").toString()).exit());
        CliRun none = braid("release", "status", "demo");
        assertEquals(7, none.exit(), none::toString);

        CliRun started = braid("release", "start", "demo", "--candidate", "2", "--steps", "50", "--every", "1h",
                "--sticky", "none", "--guard-window", "1m", "--guard-min-requests", "10", "--guard-error-rate", "0.1");
        assertEquals(0, started.exit(), started::toString);
        assertTrue(started.out().contains("running, v1 -> v2, 50% on the candidate"), started.out());
        CliRun status = braid("release", "status", "demo");
        assertEquals(0, status.exit(), status::toString);
        assertTrue(status.out().contains("ARM") && status.out().contains("candidate"), status.out());

        Thread traffic = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                if (braid("invoke", "demo", "-i", "{}").exit() == 3) {
                    break;
                }
            }
        });
        traffic.setDaemon(true);
        traffic.start();
        CliRun watched = braid("release", "status", "demo", "--watch", "--interval", "0.3");
        assertEquals(1, watched.exit(), watched::toString);
        assertTrue(watched.out().contains("rolled_back") && watched.out().contains("maxErrorRate"), watched.out());

        CliRun rollback = braid("rollback", "demo");
        assertEquals(1, rollback.exit(), rollback::toString);
        assertTrue(rollback.err().contains("nothing_to_roll_back"), rollback.err());

        assertEquals(0, braid("deploy", version(3, "").toString()).exit());
        assertEquals(0, braid("release", "start", "demo", "--candidate", "3", "--steps", "10,100").exit());
        CliRun promoted = braid("release", "promote", "demo");
        assertEquals(0, promoted.exit(), promoted::toString);
        assertTrue(promoted.out().contains("promoted"), promoted.out());
        CliRun abortNone = braid("release", "abort", "demo");
        assertEquals(7, abortNone.exit(), abortNone::toString);
    }
}
