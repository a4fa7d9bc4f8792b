package dev.braid.components.model.routing;

import static dev.braid.components.model.routing.RouterFixture.HELLO;
import static dev.braid.components.model.routing.RouterFixture.await;
import static dev.braid.components.model.routing.RouterFixture.fallback;
import static dev.braid.components.model.routing.RouterFixture.mock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.cache.ResponseCache;
import dev.braid.components.model.pricing.PriceTable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

    private static final CachePolicy TEN_MINUTES = CachePolicy.ttl(Duration.ofMinutes(10));

    /** The clock the in-memory cache measures expiry on, moved by hand. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final InMemoryResponseCache cache = new InMemoryResponseCache(100, now::get);
    private final RouterFixture f = new RouterFixture(CircuitBreakerSettings.DEFAULTS, cache);

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static ModelRequest withTemperature(Double t) {
        return new ModelRequest(ModelTask.CHAT, HELLO.messages(), null, null,
                new GenerationOptions(t, null, null, null));
    }

    @Test
    void aHitAnswersTheSameTextWithoutCallingTheProviderAndCostsNothing() throws Exception {
        f.prices.override("mock/*", new PriceTable.Price(1.0, 2.0));
        Target a = mock("a");
        ModelResponse first = await(f.router.route(HELLO, fallback(0, a), TEN_MINUTES));
        ModelResponse second = await(f.router.route(HELLO, fallback(0, a), TEN_MINUTES));
        assertEquals(1, f.mock.calls(a));
        assertNull(first.fields().get(ModelRouter.CACHED_FIELD));
        assertTrue(first.usage().costUsd() > 0);
        assertEquals(Boolean.TRUE, second.fields().get(ModelRouter.CACHED_FIELD));
        assertEquals(first.text(), second.text());
        assertEquals(first.provider(), second.provider());
        assertEquals(first.model(), second.model());
        assertEquals(first.finishReason(), second.finishReason());
        assertEquals(first.usage().promptTokens(), second.usage().promptTokens());
        assertEquals(first.usage().completionTokens(), second.usage().completionTokens());
        assertEquals(0.0, second.usage().costUsd());
    }

    @Test
    void anEntryExpiresAfterItsTtl() throws Exception {
        Target a = mock("a");
        CachePolicy oneMinute = CachePolicy.ttl(Duration.ofMinutes(1));
        await(f.router.route(HELLO, fallback(0, a), oneMinute));
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertEquals(Boolean.TRUE, await(f.router.route(HELLO, fallback(0, a), oneMinute)).fields().get("cached"));
        assertEquals(1, f.mock.calls(a));
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertNull(await(f.router.route(HELLO, fallback(0, a), oneMinute)).fields().get("cached"));
        assertEquals(2, f.mock.calls(a));
    }

    @Test
    void aSampledRequestIsCachedOnlyWhenAllowed() throws Exception {
        Target a = mock("a");
        ModelRequest warm = withTemperature(0.7);
        await(f.router.route(warm, fallback(0, a), TEN_MINUTES));
        await(f.router.route(warm, fallback(0, a), TEN_MINUTES));
        assertEquals(2, f.mock.calls(a));

        CachePolicy allowed = new CachePolicy(Duration.ofMinutes(10), true);
        await(f.router.route(warm, fallback(0, a), allowed));
        await(f.router.route(warm, fallback(0, a), allowed));
        assertEquals(3, f.mock.calls(a));

        ModelRequest cold = withTemperature(0.0);
        await(f.router.route(cold, fallback(0, a), TEN_MINUTES));
        await(f.router.route(cold, fallback(0, a), TEN_MINUTES));
        assertEquals(4, f.mock.calls(a));
    }

    @Test
    void aStreamNeitherReadsNorWritesTheCache() throws Exception {
        Target a = mock("a");
        await(f.router.route(HELLO, fallback(0, a), TEN_MINUTES));
        ModelResponse streamed = await(f.router.routeStream(HELLO, fallback(0, a), d -> {}));
        assertNull(streamed.fields().get(ModelRouter.CACHED_FIELD));
        assertEquals(2, f.mock.calls(a));
        assertEquals(1, cache.size());
    }

    @Test
    void failuresAreNotCached() throws Exception {
        Target a = mock("a", "failTimes", "1");
        RouterFixture.failure(f.router.route(HELLO, fallback(0, a), TEN_MINUTES));
        assertEquals("hello world", await(f.router.route(HELLO, fallback(0, a), TEN_MINUTES)).text());
        assertEquals(Boolean.TRUE, await(f.router.route(HELLO, fallback(0, a), TEN_MINUTES)).fields().get("cached"));
        assertEquals(2, f.mock.calls(a));
    }

    @Test
    void withoutACachePolicyOrWithAZeroTtlEveryCallReachesTheProvider() throws Exception {
        Target a = mock("a");
        await(f.router.route(HELLO, fallback(0, a)));
        await(f.router.route(HELLO, fallback(0, a), null));
        await(f.router.route(HELLO, fallback(0, a), CachePolicy.ttl(Duration.ZERO)));
        await(f.router.route(HELLO, fallback(0, a), CachePolicy.ttl(Duration.ZERO)));
        assertEquals(4, f.mock.calls(a));
        assertEquals(0, cache.size());
    }

    @Test
    void theKeyCoversEveryPartOfTheRequestAndTheTargets() {
        RoutingPolicy p = fallback(0, mock("a"));
        String base = ResponseCache.key(HELLO, p);
        assertTrue(base.matches("sha256:[0-9a-f]{64}"), base);
        assertEquals(base, ResponseCache.key(ModelRequest.chat(List.of(Message.user("hello world"))), p));
        assertNotEquals(base, ResponseCache.key(ModelRequest.chat(List.of(Message.user("hello world!"))), p));
        assertNotEquals(base, ResponseCache.key(ModelRequest.chat(List.of(Message.system("hello world"))), p));
        assertNotEquals(base, ResponseCache.key(withTemperature(0.0), p));
        assertNotEquals(base, ResponseCache.key(new ModelRequest(ModelTask.CHAT, HELLO.messages(), null,
                List.of(new ToolDefinition("f", "d", Map.of())), null), p));
        assertNotEquals(base, ResponseCache.key(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("hello world")), p));
        assertNotEquals(base, ResponseCache.key(HELLO, fallback(0, mock("b"))));
        assertNotEquals(base, ResponseCache.key(HELLO, fallback(0, mock("a", "delay", "1ms"))));
        assertNotEquals(base, ResponseCache.key(HELLO, fallback(0, mock("a"), mock("b"))));
        assertNotEquals(ResponseCache.key(HELLO, fallback(0, mock("a"), mock("b"))),
                ResponseCache.key(HELLO, fallback(0, mock("b"), mock("a"))), "fallback order is part of the key");
    }

    @Test
    void theKeyDoesNotDependOnMapOrder() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", Map.of("y", 2, "x", 3));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", Map.of("x", 3, "y", 2));
        ba.put("a", 1);
        ModelRequest r1 = new ModelRequest(ModelTask.CHAT, HELLO.messages(), null,
                List.of(new ToolDefinition("f", "d", ab)), null);
        ModelRequest r2 = new ModelRequest(ModelTask.CHAT, HELLO.messages(), null,
                List.of(new ToolDefinition("f", "d", ba)), null);
        assertEquals(ResponseCache.key(r1, fallback(0, mock("a"))), ResponseCache.key(r2, fallback(0, mock("a"))));
    }

    @Test
    void theInMemoryCacheIsBoundedInEntries() throws Exception {
        InMemoryResponseCache small = new InMemoryResponseCache(3, now::get);
        ModelResponse r = new ModelResponse("mock", "m", "x", null, "stop", null, Usage.ZERO, 0);
        for (int i = 0; i < 20; i++) {
            await(small.put("k" + i, r, Duration.ofMinutes(1)));
        }
        assertTrue(small.size() <= 3, "size " + small.size());
    }

    @Test
    void aBrokenCacheNeverFailsTheCall() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        ResponseCache broken = new ResponseCache() {
            @Override
            public CompletionStage<Optional<ModelResponse>> get(String key) {
                return CompletableFuture.failedFuture(new IllegalStateException("store down"));
            }

            @Override
            public CompletionStage<Void> put(String key, ModelResponse response, Duration ttl) {
                puts.incrementAndGet();
                throw new IllegalStateException("store down");
            }
        };
        try (RouterFixture g = new RouterFixture(CircuitBreakerSettings.DEFAULTS, broken)) {
            ModelResponse r = await(g.router.route(HELLO, fallback(0, mock("a")), TEN_MINUTES));
            assertEquals("hello world", r.text());
            assertFalse(r.fields().containsKey(ModelRouter.CACHED_FIELD));
            assertEquals(1, puts.get());
        }
    }
}
