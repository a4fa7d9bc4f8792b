package dev.braid.server.limits;

import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.pipelines.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two instances (one PostgreSQL for the keys, the local Redis for the limits) settle streamed
 * answers in one shared ledger and one shared token count: a stream that ended on one instance
 * frees the rest of its reservation for the other, and its tokens count on both. Fails (never
 * skips) when Redis is not there.
 */
class StreamBudgetRedisTest {

    @Test
    void aStreamSettledOnOneInstanceFreesTheBudgetAndUsesTheQuotaOnTheOther() throws Exception {
        try (TestDatabase db = TestDatabase.postgres(); FakeOpenAi upstream = new FakeOpenAi()) {
            Map<String, Object> p = StreamBudgetTest.providerProperties(upstream);
            p.putAll(db.properties());
            p.put("braid.redis.uri", System.getenv().getOrDefault("BRAID_TEST_REDIS_URI", "redis://127.0.0.1:6379"));
            try (KeyServer a = KeyServer.start(p); KeyServer b = KeyServer.start(p)) {
                String body = StreamBudgetTest.streamedChat("openai/gpt-4o-mini", "hello");
                long worst = StreamBudgetTest.worstChatMicros(body);
                // room for 1.5 worst cases, and a day of 2000 tokens (a stream uses 1290)
                JsonNode key = a.createKey(String.format(Locale.ROOT,
                        "{\"name\":\"shared-streams\",\"role\":\"invoker\",\"usdPerMonth\":%.6f,\"tokensPerDay\":2000}",
                        worst * 3 / 2 / 1e6));
                String secret = key.path("key").asText();
                awaitKnown(b, secret);

                StreamBudgetTest.assertStreamedToTheEnd(a.post("/v1/chat/completions", secret, body));
                // a's stream settled to its usage, so b can reserve a worst case; with a's reservation
                // kept, b would be refused for good (2 × worst > 1.5 × worst)
                // settles reach Redis asynchronously, after the caller saw [DONE]: bounded waits, not
                // fixed ones (a loaded CI machine needed more than 3 s)
                long deadline = System.currentTimeMillis() + 15000;
                HttpResponse<String> onB;
                do {
                    onB = b.post("/v1/chat/completions", secret, body);
                } while (onB.statusCode() == 429 && System.currentTimeMillis() < deadline);
                StreamBudgetTest.assertStreamedToTheEnd(onB);
                String scope = "key:" + key.path("id").asText();
                long expected = 2 * StreamBudgetTest.ACTUAL_CHAT_MICROS;
                long spent = StreamBudgetTest.spent(a, scope);
                // b's settle (worst case -> actual) may still be on its way to Redis: read the settled ledger
                deadline = System.currentTimeMillis() + 15000;
                while (spent != expected && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                    spent = StreamBudgetTest.spent(a, scope);
                }
                System.out.printf("shared stream budget: %d µUSD spent after two streams (worst case %d each)%n", spent, worst);
                assertEquals(expected, spent);

                // 2580 streamed tokens of 2000: a refuses the next call
                deadline = System.currentTimeMillis() + 15000;
                HttpResponse<String> onA;
                do {
                    onA = a.post("/v1/chat/completions", secret, body);
                } while (onA.statusCode() == 200 && System.currentTimeMillis() < deadline);
                StreamBudgetTest.assertRefused(onA, "token_quota_exceeded");
            }
        }
    }

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
