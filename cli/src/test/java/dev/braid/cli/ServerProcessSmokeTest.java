package dev.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessSmokeTest {

    @TempDir
    Path work;

    @Test
    void theRealServerStartsAsAChildAndTheCliInvokesIt() throws Exception {
        long t0 = System.nanoTime();
        try (ServerProcess server = ServerProcess.start("smoke", work, Map.of())) {
            server.awaitHealthy(Duration.ofSeconds(60));
            System.out.println("healthy after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            CliRun run = CliRun.braid(Map.of("BRAID_SERVER", server.url().toString()),
                    "invoke", "echo", "--input", "{\"text\":\"hi\"}");
            assertEquals(0, run.exit(), run::toString);
            assertTrue(run.out().contains("\"text\" : \"hi\""), run.out());
        }
    }
}
