package dev.braid.server.limits;

import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.server.pipelines.TestDatabase;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two instances (one PostgreSQL for the keys, the local Redis 127.0.0.1:6379 for the limits)
 * enforce one rate limit and one token quota per key between them; without Redis each would allow
 * the full limit on its own. Fails (never skips) when Redis is not there.
 */
class SharedLimitsRedisTest {

    @Test
    void twoInstancesShareOneLimitThroughRedis() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            Map<String, Object> p = new HashMap<>(db.properties());
            p.put("braid.redis.uri", System.getenv().getOrDefault("BRAID_TEST_REDIS_URI", "redis://127.0.0.1:6379"));
            try (KeyServer a = KeyServer.start(p); KeyServer b = KeyServer.start(p)) {
                String limited = a.createKey("{\"name\":\"shared-rate\",\"role\":\"invoker\",\"requestsPerMinute\":4}")
                        .path("key").asText();
                awaitKnown(b, limited);
                int ok = 0;
                StringBuilder seen = new StringBuilder();
                for (KeyServer s : new KeyServer[] {a, b, a, b}) {
                    HttpResponse<String> r = s.get("/v1/models", limited);
                    ok += r.statusCode() == 200 ? 1 : 0;
                    seen.append(r.statusCode()).append(' ').append(r.body(), 0, Math.min(200, r.body().length())).append('\n');
                }
                // awaitKnown used one request on b
                HttpResponse<String> a5 = a.get("/v1/models", limited);
                HttpResponse<String> b5 = b.get("/v1/models", limited);
                assertEquals(3, ok, "4 per minute between both instances: one spent while waiting for the key, 3 more:\n" + seen);
                assertEquals(429, a5.statusCode(), a5.body());
                assertEquals(429, b5.statusCode(), b5.body());
                assertTrue(b5.body().contains("rate_limited") && b5.headers().firstValue("Retry-After").isPresent());

                String quota = a.createKey("{\"name\":\"shared-quota\",\"role\":\"invoker\",\"tokensPerDay\":1}")
                        .path("key").asText();
                awaitKnown(b, quota);
                String body = "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
                assertEquals(200, a.post("/v1/pipelines/chat-echo/invoke", quota, body).statusCode());
                // the tokens counted on a are seen by b (the INCRBY is sent as the answer goes out)
                long deadline = System.currentTimeMillis() + 2000;
                int status;
                do {
                    status = b.post("/v1/pipelines/chat-echo/invoke", quota, body).statusCode();
                } while (status == 200 && System.currentTimeMillis() < deadline);
                assertEquals(429, status, "b refuses once a used the day's tokens");
            }
        }
    }

    /** Waits until {@code server} accepts {@code key} (NOTIFY from the instance that made it). */
    private static void awaitKnown(KeyServer server, String key) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (server.get("/v1/models", key).statusCode() == 401) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the key never reached the second instance");
            }
            Thread.sleep(10);
        }
    }
}
