package dev.braid.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.braid.server.access.KeyServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 7: with Redis healthy, 400 concurrent calls of a key with a rate limit, a daily
 * token quota and a monthly budget (every Redis-backed check: the rate bucket, the quota, the
 * token and dollar reservations) get no 503 {@code limits_unavailable}. Before: 35–86 of 200–400
 * were refused (commands timing out after 500 ms on a loaded machine).
 */
class RedisLimitsUnderLoadTest {

    private static final int CALLS = 400;

    @Test
    void aHealthyRedisRefusesNoneOf400ConcurrentCalls() throws Exception {
        try (KeyServer server = KeyServer.start(Map.of("braid.redis.uri",
                System.getenv().getOrDefault("BRAID_TEST_REDIS_URI", "redis://127.0.0.1:6379")))) {
            String key = server.createKey("{\"name\":\"loaded\",\"role\":\"invoker\",\"requestsPerMinute\":100000,"
                    + "\"tokensPerDay\":100000000,\"usdPerMonth\":1000}").path("key").asText();
            String body = "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(server.client.sendAsync(HttpRequest.newBuilder(server.base.resolve("/v1/pipelines/chat-echo/invoke"))
                        .timeout(Duration.ofSeconds(120))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            String unavailable = null;
            for (CompletableFuture<HttpResponse<String>> c : calls) {
                HttpResponse<String> r = c.join();
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() != 200) {
                    unavailable = r.body();
                }
            }
            System.out.println("[redis-load] " + CALLS + " concurrent calls, statuses " + statuses);
            assertEquals(Map.of(200, CALLS), statuses, "a healthy Redis refuses nothing; e.g. " + unavailable);
        }
    }
}
