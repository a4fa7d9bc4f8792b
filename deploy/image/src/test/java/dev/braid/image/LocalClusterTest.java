package dev.braid.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deploy/local-cluster.sh: compose.yaml's topology as processes (two instances through the image's
 * launcher, one fresh PostgreSQL database, Redis, HAProxy with deploy/haproxy/haproxy.cfg) passes its
 * smoke test: a pipeline deployed on one instance is served by the other, and calls through the
 * balancer reach both. Needs the local PostgreSQL, Redis and haproxy (scripts/test-services.sh).
 */
class LocalClusterTest {

    private static final Path REPO = Path.of(System.getProperty("braid.repo", "../.."));

    @Test
    void twoInstancesBehindTheBalancerServeAPipelineDeployedOnOne() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", REPO.resolve("deploy/local-cluster.sh").toString())
                .redirectErrorStream(true);
        builder.environment().put("LB_PORT", Integer.toString(freePort()));
        builder.environment().put("PORT_1", Integer.toString(freePort()));
        builder.environment().put("PORT_2", Integer.toString(freePort()));
        builder.environment().put("CALLS", "6");
        Process cluster = builder.start();
        String out = new String(cluster.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cluster.waitFor(240, TimeUnit.SECONDS), out);
        assertEquals(0, cluster.exitValue(), out);
        assertTrue(out.contains("smoke test passed: 6 calls, both instances answered"), out);
        assertTrue(out.contains(": 200 from braid-1: "), out);
        assertTrue(out.contains(": 200 from braid-2: "), out);
        assertTrue(out.contains("\"output\":{\"text\":\"HELLO CLUSTER\"}"), out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
