package dev.braid.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.server.access.CountingUpstream;
import dev.braid.server.access.KeyServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 8: Redis restarting empty (or flushed) must not give every key its day's tokens and
 * month's budget again. A missing counter is rebuilt from the usage rows of its period before the
 * first reservation ({@link Backstop}). Runs a private {@code redis-server} on a free port (never the
 * shared one) that the test restarts empty.
 */
class RedisEmptyBackstopTest {

    private static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aTokenQuotaUsedUpStaysUsedUpAfterRedisRestartsEmpty() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        // every call uses 12 + 3 = 15 tokens; the quota is 40: three calls use it up (45)
        try (CountingUpstream upstream = new CountingUpstream(12, 3, 0);
                KeyServer server = KeyServer.start(Map.of(
                        "braid.redis.uri", "redis://127.0.0.1:" + port,
                        "braid.providers.openai.type", "openai",
                        "braid.providers.openai.base-url", upstream.baseUrl(),
                        "braid.providers.openai.api-key", "sk-fake"))) {
            var created = server.createKey("{\"name\":\"quota-40\",\"role\":\"invoker\",\"tokensPerDay\":40}");
            String key = created.path("key").asText();
            String keyId = created.path("id").asText();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = server.post("/v1/chat/completions", key, CHAT);
                assertEquals(200, r.statusCode(), r.body());
            }
            assertEquals(429, server.post("/v1/chat/completions", key, CHAT).statusCode(), "the quota is used up");
            awaitUsageRows(server, keyId, 45);

            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            redis = startRedis(port); // empty: no persistence
            int before = upstream.calls.get();
            int status = awaitRedis(server, key);
            assertEquals(429, status, "the day's 45 tokens were rebuilt from the usage rows: still over the quota");
            assertEquals(before, upstream.calls.get(), "nothing went upstream on a used-up quota");
        } finally {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMissingBudgetCounterIsRebuiltOnceAndSettlementsOfAGoneCounterAreDropped() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            AtomicInteger asked = new AtomicInteger();
            UsageTotals rows = new UsageTotals() {
                @Override
                public CompletionStage<Long> tokens(String keyId, Instant from, Instant to) {
                    return CompletableFuture.completedFuture(0L);
                }

                @Override
                public CompletionStage<Long> costMicros(String scopeKind, String id, Instant from, Instant to) {
                    asked.incrementAndGet();
                    assertEquals("key", scopeKind);
                    assertEquals("k1", id);
                    assertEquals(YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(), from);
                    return CompletableFuture.completedFuture(4_000_000L); // $4 spent this month, says the database
                }
            };
            RedisCounters counters = new RedisCounters(c.async(), "braid:test:" + port + ":", new Backstop(rows));
            String name = "usd:key:k1@" + YearMonth.now(ZoneOffset.UTC);
            Duration ttl = Duration.ofDays(32);
            // a settlement arriving while the counter is gone does not create it from nothing
            assertEquals(0L, counters.add(name, -500_000, ttl).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertEquals(0L, counters.get(name).toCompletableFuture().get(5, TimeUnit.SECONDS));
            // a $5 budget with $4 spent: $2 is refused, $0.50 is taken
            assertFalse(counters.reserve(name, 2_000_000, 5_000_000, ttl).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertTrue(counters.reserve(name, 500_000, 5_000_000, ttl).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertEquals(4_500_000L, counters.get(name).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertEquals(1, asked.get(), "rebuilt once, then counted in Redis");
            c.sync().flushall();
            assertEquals(1_000_000L, counters.reserveUpTo(name, 2_000_000, 5_000_000, ttl).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertEquals(2, asked.get(), "rebuilt again after the flush ($4 spent, $1 left of $5)");
        } finally {
            client.shutdown();
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void localCountersRebuildFromTheRowsOnFirstUseAfterARestart() throws Exception {
        UsageTotals rows = new UsageTotals() {
            @Override
            public CompletionStage<Long> tokens(String keyId, Instant from, Instant to) {
                return CompletableFuture.completedFuture(90L);
            }

            @Override
            public CompletionStage<Long> costMicros(String scopeKind, String id, Instant from, Instant to) {
                return CompletableFuture.completedFuture(0L);
            }
        };
        LocalCounters counters = new LocalCounters(new Backstop(rows));
        String name = "tokens:k2@" + java.time.LocalDate.now(ZoneOffset.UTC);
        assertEquals(10L, counters.reserveUpTo(name, 4096, 100, Duration.ofDays(2)).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(0L, counters.reserveUpTo(name, 4096, 100, Duration.ofDays(2)).toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    /** Waits until the key's request rows hold {@code tokens} (the writer flushes every 500 ms). */
    private static void awaitUsageRows(KeyServer server, String keyId, long tokens) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        long seen = -1;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = server.get("/api/usage?key=" + keyId, KeyServer.ADMIN);
            seen = KeyServer.json(r).path("rows").path(0).path("totalTokens").asLong(-1);
            if (seen == tokens) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("usage rows hold " + seen + " tokens, expected " + tokens);
    }

    /** Calls until Lettuce has reconnected (no more 503 limits_unavailable); the first other status. */
    private static int awaitRedis(KeyServer server, String key) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        int status;
        do {
            status = server.post("/v1/chat/completions", key, CHAT).statusCode();
            if (status != 503) {
                return status;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        return status;
    }

    static Process startRedis(int port) throws IOException, InterruptedException {
        File binary = new File("/usr/bin/redis-server");
        assertTrue(binary.canExecute(), "redis-server is installed by scripts/test-services.sh");
        Process p = new ProcessBuilder(binary.getPath(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("redis-server did not start on port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
