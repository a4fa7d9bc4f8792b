package dev.braid.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.server.pipelines.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL: a key created on one works on the other, and a revocation on
 * one is refused by the other within a second (NOTIFY braid_keys), long before the 30 s reload.
 */
class RevocationPostgresTest {

    @Test
    void revocationReachesTheOtherInstanceWithinASecond() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            Map<String, Object> p = new HashMap<>(db.properties());
            p.put("braid.auth.reconcile-interval", "30s"); // so only NOTIFY can be this fast
            p.put("braid.registry.notifications", true);
            p.put("braid.secret-key", "shared passphrase for both instances");
            try (KeyServer a = KeyServer.start(p); KeyServer b = KeyServer.start(p)) {
                var created = a.createKey("{\"name\":\"roaming\",\"role\":\"viewer\"}");
                String secret = created.path("key").asText();
                String id = created.path("id").asText();
                long createdSeen = awaitStatus(b, secret, 200, 5000);
                assertTrue(createdSeen <= 1000, "creation seen on b after " + createdSeen + " ms");

                assertEquals(204, a.send("DELETE", "/api/keys/" + id, KeyServer.ADMIN, null, null).statusCode());
                assertEquals(401, a.get("/api/pipelines", secret).statusCode(), "refused at once where revoked");
                long revokedSeen = awaitStatus(b, secret, 401, 5000);
                System.out.println("revocation seen on the second instance after " + revokedSeen + " ms");
                assertTrue(revokedSeen <= 1000, "revocation seen on b after " + revokedSeen + " ms");

                // provider credentials set on a are listed, and applied, on b
                assertEquals(200, a.send("PUT", "/api/providers/shared", KeyServer.ADMIN, "application/json",
                        "{\"type\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\",\"apiKey\":\"sk-shared\"}").statusCode());
                long deadline = System.currentTimeMillis() + 2000;
                boolean applied = false;
                while (!applied && System.currentTimeMillis() < deadline) {
                    applied = b.bean(dev.braid.engine.runtime.PipelineRuntime.class).camelContext()
                            .getComponent("model", dev.braid.components.model.camel.ModelComponent.class)
                            .getProviders().find("shared").isPresent();
                    Thread.sleep(20);
                }
                assertTrue(applied, "provider applied on the second instance");
            }
        }
    }

    /** Polls GET /api/pipelines on {@code server} with {@code secret} until it answers {@code status}; returns ms taken. */
    private static long awaitStatus(KeyServer server, String secret, int status, long limitMs) throws Exception {
        long start = System.nanoTime();
        while (true) {
            int s = server.get("/api/pipelines", secret).statusCode();
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (s == status) {
                return ms;
            }
            if (ms > limitMs) {
                throw new AssertionError("still " + s + " after " + ms + " ms");
            }
            Thread.sleep(10);
        }
    }
}
