package dev.braid.components.model.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.model.local.LocalProvider;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.tokens.TokenCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelRouterTest {

    private static final ModelRequest HELLO = ModelRequest.chat(List.of(Message.user("hello world")));
    /** Tiny waits keep the suite fast; Retry-After up to 500 ms is honoured. */
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(500));

    private ScheduledExecutorService scheduler;
    private MockProvider mock;
    private PriceTable prices;
    private ModelRouter router;

    @BeforeEach
    void setUp() {
        scheduler = ModelComponent.newScheduler(4);
        mock = new MockProvider(scheduler);
        ProviderRegistry registry = new ProviderRegistry();
        registry.register(mock);
        registry.register(new LocalProvider());
        prices = PriceTable.standard();
        router = new ModelRouter(registry, prices, scheduler, new Random(42), FAST);
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private static Target mockTarget(String model, String... options) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return new Target("mock", model, o);
    }

    private static RoutingPolicy policy(RoutingStrategy s, Duration timeout, int retries, Target... targets) {
        return new RoutingPolicy(s, List.of(targets), timeout, retries);
    }

    private static RoutingPolicy fallback(int retries, Target... targets) {
        return policy(RoutingStrategy.FALLBACK, Duration.ofSeconds(5), retries, targets);
    }

    private ModelResponse call(RoutingPolicy policy) throws Exception {
        return router.route(HELLO, policy).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ModelException failure(ModelRequest request, RoutingPolicy policy) throws Exception {
        try {
            router.route(request, policy).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ModelException.class, e.getCause());
        }
        return fail("the call should have failed");
    }

    private ModelException failure(RoutingPolicy policy) throws Exception {
        return failure(HELLO, policy);
    }

    @Test
    void fallsBackOn500AfterRetryingTheFirstTarget() throws Exception {
        Target a = mockTarget("a", "failWith", "500");
        Target b = mockTarget("b");
        ModelResponse r = call(fallback(1, a, b));
        assertEquals("b", r.model());
        assertEquals("hello world", r.text());
        assertEquals(2, mock.calls(a));
        assertEquals(1, mock.calls(b));
    }

    @Test
    void fallsBackOn429() throws Exception {
        Target a = mockTarget("a", "failWith", "429", "retryAfter", "10ms");
        Target b = mockTarget("b");
        ModelResponse r = call(fallback(0, a, b));
        assertEquals("b", r.model());
        assertEquals(1, mock.calls(a));
    }

    @Test
    void fallsBackOnTimeoutWithoutWaitingForTheSlowTarget() throws Exception {
        Target a = mockTarget("a", "delay", "2s");
        Target b = mockTarget("b");
        long t0 = System.nanoTime();
        ModelResponse r = call(policy(RoutingStrategy.FALLBACK, Duration.ofMillis(50), 0, a, b));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals("b", r.model());
        assertEquals(1, mock.calls(a));
        assertTrue(ms < 1500, "took " + ms + " ms");
        assertTrue(r.latencyMs() >= 50, "latency covers the timed-out attempt: " + r.latencyMs());
    }

    @Test
    void badRequestFailsAtOnceWithoutRetryOrFallback() throws Exception {
        Target a = mockTarget("a", "failWith", "400");
        Target b = mockTarget("b");
        ModelException e = failure(fallback(2, a, b));
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e);
        assertEquals(400, pe.status());
        assertEquals(400, pe.upstreamStatus());
        assertEquals(1, mock.calls(a));
        assertEquals(0, mock.calls(b));
    }

    @Test
    void modelNotFoundMovesOnToTheNextTargetWithoutRetrying() throws Exception {
        // a provider that does not serve the model never will: no retry, but the next target may (on: [404])
        Target b = mockTarget("b");
        ModelResponse r = call(fallback(2, Target.of("local", "gpt-nothing"), b));
        assertEquals("b", r.model());
        assertEquals(1, mock.calls(b));
    }

    @Test
    void modelNotFoundIsTheAnswerWhenNoTargetIsLeftOrTheStepDoesNotListIt() throws Exception {
        ModelException alone = failure(fallback(2, Target.of("local", "gpt-nothing")));
        assertInstanceOf(ModelException.ModelNotFound.class, alone);
        assertEquals(404, alone.status());
        assertEquals("model_not_found", alone.code());

        Target b = mockTarget("b");
        RoutingPolicy only5xx = new RoutingPolicy(RoutingStrategy.FALLBACK,
                List.of(Target.of("local", "gpt-nothing"), b), Duration.ofSeconds(5), 2,
                java.util.Set.of(FallbackTrigger.SERVER_ERROR));
        assertInstanceOf(ModelException.ModelNotFound.class, failure(only5xx));
        assertEquals(0, mock.calls(b));
    }

    @Test
    void unknownProviderIsModelNotFound() throws Exception {
        ModelException e = failure(fallback(0, Target.of("nope", "x")));
        assertInstanceOf(ModelException.ModelNotFound.class, e);
        assertEquals(404, e.status());
        assertEquals("unknown provider 'nope'", e.getMessage());
    }

    @Test
    void retriesTheSameTargetUntilItAnswers() throws Exception {
        Target a = mockTarget("a", "failTimes", "2");
        ModelResponse r = call(fallback(2, a));
        assertEquals("a", r.model());
        assertEquals(3, mock.calls(a));
    }

    @Test
    void givesUpAfterTheConfiguredRetries() throws Exception {
        Target a = mockTarget("a", "failTimes", "2", "failWith", "503");
        ModelException e = failure(fallback(1, a));
        assertEquals(502, e.status());
        assertEquals(2, mock.calls(a));
    }

    @Test
    void backoffWaitsAreScheduledWithinTheJitterBounds() throws Exception {
        // base 40 ms: two retries wait up to 40 + 80 ms, drawn uniformly (full jitter)
        ProviderRegistry registry = new ProviderRegistry();
        registry.register(mock);
        Backoff backoff = new Backoff(Duration.ofMillis(40), Duration.ofSeconds(2), Duration.ofSeconds(1));
        ModelRouter slow = new ModelRouter(registry, prices, scheduler, new Random(1), backoff);
        Target a = mockTarget("jitter", "failTimes", "2");
        long t0 = System.nanoTime();
        ModelResponse r = slow.route(HELLO, fallback(2, a)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(3, mock.calls(a));
        // two full-jitter backoffs under a 40 ms base wait at most 40 + 80 ms; the bound leaves room for a loaded machine
        assertTrue(ms < 1900, "took " + ms);
        assertTrue(r.latencyMs() <= ms);
        Random random = new Random(3);
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long d = backoff.delayMillis(1, random);
            assertTrue(d >= 0 && d <= 80, "delay " + d);
            max = Math.max(max, d);
        }
        assertTrue(max >= 75, "full jitter reaches the ceiling: " + max);
        long capped = 0;
        for (int i = 0; i < 2000; i++) {
            capped = Math.max(capped, Backoff.DEFAULT.delayMillis(30, random));
        }
        assertTrue(capped <= 2000 && capped > 1900, "late retries wait at most the 2 s cap: " + capped);
    }

    @Test
    void honoursRetryAfterBeforeRetrying() throws Exception {
        Target a = mockTarget("a", "failWith", "429", "failTimes", "1", "retryAfter", "200ms");
        long t0 = System.nanoTime();
        ModelResponse r = call(fallback(1, a));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals("a", r.model());
        assertEquals(2, mock.calls(a));
        assertTrue(ms >= 195, "waited the Retry-After: " + ms);
        assertTrue(r.latencyMs() >= 195);
    }

    @Test
    void retryAfterLongerThanTheCapMovesOnInsteadOfWaiting() throws Exception {
        Target a = mockTarget("a", "failWith", "429", "retryAfter", "5s");
        Target b = mockTarget("b");
        long t0 = System.nanoTime();
        ModelResponse r = call(fallback(3, a, b));
        assertEquals("b", r.model());
        assertEquals(1, mock.calls(a));

        ModelException e = failure(fallback(3, a));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e);
        assertEquals(429, pe.status());
        assertEquals(Duration.ofSeconds(5), pe.retryAfter());
        assertTrue(ms < 2000, "never waited 5 s: " + ms);
    }

    @Test
    void timeoutFailsWithProviderTimeout504() throws Exception {
        long t0 = System.nanoTime();
        ModelException e = failure(policy(RoutingStrategy.FALLBACK, Duration.ofMillis(50), 0, mockTarget("slow", "delay", "3s")));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertInstanceOf(ModelException.ProviderTimeout.class, e);
        assertEquals(504, e.status());
        assertEquals("provider_timeout", e.code());
        assertTrue(ms < 1500, "took " + ms);
    }

    @Test
    void whenEveryTargetIsRateLimitedTheSoonestRetryAfterWins() throws Exception {
        Target a = mockTarget("a", "failWith", "429", "retryAfter", "1s");
        Target b = mockTarget("b", "failWith", "429", "retryAfter", "3s");
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, failure(fallback(0, a, b)));
        assertEquals(429, pe.status());
        assertEquals(Duration.ofSeconds(1), pe.retryAfter());
    }

    @Test
    void otherwiseTheLastErrorWins() throws Exception {
        Target a = mockTarget("a", "failWith", "429", "retryAfter", "1s");
        Target b = mockTarget("b", "failWith", "500");
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, failure(fallback(0, a, b)));
        assertEquals(502, pe.status());
        assertEquals(500, pe.upstreamStatus());
        assertNull(pe.retryAfter());
    }

    @Test
    void twoHundredDelayedCallsRunConcurrentlyOnFourThreads() throws Exception {
        RoutingPolicy p = fallback(0, mockTarget("slow", "delay", "100ms"));
        long t0 = System.nanoTime();
        List<CompletableFuture<ModelResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(router.route(ModelRequest.chat(List.of(Message.user("n" + i))), p).toCompletableFuture());
        }
        long issuedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(issuedMs < 2000, "issuing 200 calls must not wait on them: " + issuedMs + " ms");
        assertTrue(ms < 3000, "200 x 100 ms serially would be 20 s; took " + ms + " ms");
        for (int i = 0; i < 200; i++) {
            assertEquals("n" + i, calls.get(i).get().text());
        }
    }

    @Test
    void weightedPicksFollowTheWeights() {
        Target heavy = mockTarget("heavy", "weight", "3");
        Target light = mockTarget("light");
        Target never = mockTarget("never", "weight", "0");
        RoutingPolicy p = policy(RoutingStrategy.WEIGHTED, null, 0, heavy, light, never);
        int heavyFirst = 0;
        for (int i = 0; i < 1000; i++) {
            List<Target> order = router.plan(p);
            assertEquals(3, order.size());
            assertEquals(never, order.get(2), "weight 0 is only a last resort");
            if (order.get(0).equals(heavy)) {
                heavyFirst++;
            }
        }
        assertTrue(heavyFirst > 700 && heavyFirst < 800, "expected ~750 of 1000, got " + heavyFirst);
    }

    @Test
    void leastLatencyPrefersTheFasterMeasuredTargetAndTriesUnknownOnesFirst() throws Exception {
        // far apart: a loaded machine can delay the fast one by hundreds of milliseconds
        Target slow = mockTarget("slow", "delay", "600ms");
        Target fast = mockTarget("fast", "delay", "5ms");
        call(fallback(0, slow));
        call(fallback(0, fast));
        RoutingPolicy p = policy(RoutingStrategy.LEAST_LATENCY, null, 0, slow, fast);
        assertEquals(List.of(fast, slow), router.plan(p));
        assertEquals("fast", call(p).model());
        Target fresh = mockTarget("fresh");
        assertEquals(List.of(fresh, fast, slow), router.plan(policy(RoutingStrategy.LEAST_LATENCY, null, 0, slow, fast, fresh)));
        assertTrue(router.latencies().average(slow).orElseThrow() > router.latencies().average(fast).orElseThrow());
    }

    @Test
    void cheapestOrdersByPriceWithUnpricedTargetsLast() {
        Target gpt4o = Target.of("openai", "gpt-4o");
        Target mini = Target.of("openai", "gpt-4o-mini");
        Target unknown = Target.of("acme", "mystery");
        Target free = Target.of("mock", "m");
        RoutingPolicy p = policy(RoutingStrategy.CHEAPEST, null, 0, unknown, gpt4o, mini, free);
        assertEquals(List.of(free, mini, gpt4o, unknown), router.plan(p));
    }

    @Test
    void usageIsCountedAndPricedByTheRouter() throws Exception {
        prices.override("mock/priced", new PriceTable.Price(1.0, 2.0));
        ModelResponse r = call(fallback(0, mockTarget("priced", "delay", "30ms")));
        long tokens = TokenCounter.forModel("priced").count("hello world");
        assertTrue(tokens > 0);
        assertEquals(tokens, r.usage().promptTokens());
        assertEquals(tokens, r.usage().completionTokens());
        assertEquals(2 * tokens, r.usage().totalTokens());
        assertEquals((tokens * 1.0 + tokens * 2.0) / 1_000_000.0, r.usage().costUsd(), 1e-12);
        assertEquals(false, r.usage().estimated());
        assertTrue(r.latencyMs() >= 30, "latency " + r.latencyMs());
        assertEquals(0.0, call(fallback(0, mockTarget("free"))).usage().costUsd());
    }

    @Test
    void latencyIsTheWallTimeOfAllAttempts() throws Exception {
        Target a = mockTarget("a", "failWith", "500", "delay", "60ms");
        Target b = mockTarget("b", "delay", "60ms");
        ModelResponse r = call(fallback(0, a, b));
        assertEquals("b", r.model());
        assertTrue(r.latencyMs() >= 120, "latency " + r.latencyMs());
    }
    @Test
    void weightedFallsBackThroughTheRest() throws Exception {
        Target favourite = mockTarget("favourite", "weight", "1000", "failWith", "503");
        Target spare = mockTarget("spare");
        ModelResponse r = call(policy(RoutingStrategy.WEIGHTED, null, 0, favourite, spare));
        assertEquals("spare", r.model());
        assertEquals(1, mock.calls(favourite));
    }

    @Test
    void adapterExceptionsBecomeTypedErrorsWithoutTheirRawMessages() throws Exception {
        ProviderRegistry registry = new ProviderRegistry();
        registry.register(mock);
        registry.register(failing("refused", new java.net.ConnectException("connect to secret-host:443 refused")));
        registry.register(failing("hung", new java.net.http.HttpTimeoutException("request timed out")));
        registry.register(failing("buggy", new NullPointerException("token sk-123 was null")));
        ModelRouter r = new ModelRouter(registry, prices, scheduler, new Random(1), FAST);
        Target b = mockTarget("b");
        for (String name : List.of("refused", "hung", "buggy")) {
            ModelResponse ok = r.route(HELLO, fallback(0, Target.of(name, "x"), b)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals("b", ok.model(), name + " is retryable, so the next target answers");
        }
        ModelException refused = failureOf(r, Target.of("refused", "x"));
        assertEquals(502, refused.status());
        assertEquals("cannot reach provider 'refused'", refused.getMessage());
        assertInstanceOf(ModelException.ProviderTimeout.class, failureOf(r, Target.of("hung", "x")));
        ModelException buggy = failureOf(r, Target.of("buggy", "x"));
        assertEquals(502, buggy.status());
        assertTrue(!buggy.getMessage().contains("sk-123"), buggy.getMessage());
    }

    private static ModelException failureOf(ModelRouter r, Target target) throws Exception {
        try {
            r.route(HELLO, fallback(0, target)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ModelException.class, e.getCause());
        }
        return fail("expected a failure");
    }

    private static ModelProvider failing(String name, Throwable error) {
        return new ModelProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public java.util.concurrent.CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
                return CompletableFuture.failedFuture(error);
            }
        };
    }
}
