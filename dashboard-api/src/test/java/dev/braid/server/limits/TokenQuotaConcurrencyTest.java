package dev.braid.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.access.KeyServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4: 85 concurrent calls on a key with a 100-token {@code tokensPerDay}. A check of
 * settled tokens alone let all 85 through (1,275 tokens; 765–1,305 with Redis); calls now hold
 * their worst case under the quota like budgets hold dollars, so the day's tokens stay within the
 * quota plus at most the one last call that was admitted on what was left.
 */
class TokenQuotaConcurrencyTest {

    private static final int CALLS = 85;
    private static final long QUOTA = 100;

    @Test
    void concurrentCallsStayWithinTheQuotaInMemory() throws Exception {
        try (KeyServer server = KeyServer.start(Map.of())) {
            assertWithinQuota(server, "memory");
        }
    }

    @Test
    void concurrentCallsStayWithinTheQuotaThroughRedis() throws Exception {
        try (KeyServer server = KeyServer.start(Map.of("braid.redis.uri",
                System.getenv().getOrDefault("BRAID_TEST_REDIS_URI", "redis://127.0.0.1:6379")))) {
            assertWithinQuota(server, "redis");
        }
    }

    private static void assertWithinQuota(KeyServer server, String backend) throws Exception {
        String key = server.createKey("{\"name\":\"tokens-" + backend + "\",\"role\":\"invoker\",\"tokensPerDay\":" + QUOTA + "}")
                .path("key").asText();
        String body = "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"count my tokens please\"}]}}";
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            calls.add(server.client.sendAsync(HttpRequest.newBuilder(server.base.resolve("/v1/pipelines/chat-echo/invoke"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        long tokens = 0;
        int ok = 0;
        int refused = 0;
        long largest = 0;
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.join();
            if (r.statusCode() == 200) {
                ok++;
                JsonNode usage = KeyServer.json(r).path("usage");
                long used = usage.path("totalTokens").asLong(usage.path("total_tokens").asLong());
                assertTrue(used > 0, "an answer's usage counts its tokens: " + r.body());
                tokens += used;
                largest = Math.max(largest, used);
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertTrue(r.body().contains("token_quota_exceeded"), r.body());
                refused++;
            }
        }
        long over = Math.max(0, tokens - QUOTA);
        System.out.printf("[%s] %d concurrent calls, quota %d: %d answered (%d tokens, %d over the quota), %d refused%n",
                backend, CALLS, QUOTA, ok, tokens, over, refused);
        assertTrue(ok >= 1, "the first call fits the quota");
        assertTrue(tokens <= QUOTA + largest,
                backend + ": " + tokens + " tokens for a " + QUOTA + "-token quota (at most one call past it)");
    }
}
