package dev.braid.components.model.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.pricing.PriceTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code on: [...]} narrows which failures retry a target or move on to the next one. */
class FallbackTriggerTest {

    private static final ModelRequest HELLO = ModelRequest.chat(List.of(Message.user("hello")));
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(500));

    private ScheduledExecutorService scheduler;
    private MockProvider mock;
    private ModelRouter router;

    @BeforeEach
    void setUp() {
        scheduler = ModelComponent.newScheduler(2);
        mock = new MockProvider(scheduler);
        ProviderRegistry registry = new ProviderRegistry();
        registry.register(mock);
        router = new ModelRouter(registry, PriceTable.standard(), scheduler, new Random(7), FAST);
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private static Target failing(String model, String status) {
        Map<String, String> o = new HashMap<>();
        o.put(MockProvider.FAIL_WITH, status);
        o.put(MockProvider.RETRY_AFTER, "10ms");
        return new Target("mock", model, o);
    }

    private static RoutingPolicy fallback(Set<FallbackTrigger> on, int retries, Target... targets) {
        return new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(targets), Duration.ofSeconds(5), retries, on);
    }

    private ModelException failure(RoutingPolicy policy) throws Exception {
        try {
            router.route(HELLO, policy).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ModelException.class, e.getCause());
        }
        return fail("the call should have failed");
    }

    @Test
    void onlyServerErrorsListed429DoesNotFallBack() throws Exception {
        Target a = failing("a", "429");
        Target b = new Target("mock", "b", Map.of());
        ModelException e = failure(fallback(Set.of(FallbackTrigger.SERVER_ERROR), 2, a, b));
        assertEquals(429, e.status());
        assertEquals(1, mock.calls(a), "no retry either");
        assertEquals(0, mock.calls(b));
    }

    @Test
    void onlyRateLimitsListed500DoesNotFallBack() throws Exception {
        Target a = failing("a", "500");
        Target b = new Target("mock", "b", Map.of());
        ModelException e = failure(fallback(Set.of(FallbackTrigger.RATE_LIMITED), 0, a, b));
        assertEquals(502, e.status());
        assertEquals(0, mock.calls(b));
        // the same 500 with 5xx listed moves on
        Target a2 = failing("a2", "500");
        ModelResponse r = router.route(HELLO, fallback(Set.of(FallbackTrigger.SERVER_ERROR), 0, a2, b))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("b", r.model());
    }

    @Test
    void defaultPolicyFallsBackOnEveryRetryableFailure() throws Exception {
        assertEquals(FallbackTrigger.ALL, new RoutingPolicy(RoutingStrategy.FALLBACK,
                List.of(Target.of("mock", "x")), null, 0).on());
        for (String status : List.of("429", "500", "503", "408")) {
            Target a = failing("d" + status, status);
            Target b = new Target("mock", "ok" + status, Map.of());
            ModelResponse r = router.route(HELLO, fallback(null, 0, a, b)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("ok" + status, r.model(), status);
        }
        // never retryable stays never retryable whatever is listed
        Target bad = failing("bad", "400");
        assertEquals(400, failure(fallback(FallbackTrigger.ALL, 1, bad, new Target("mock", "z", Map.of()))).status());
    }

    @Test
    void classifiesFailuresIntoTriggers() {
        assertEquals(FallbackTrigger.TIMEOUT, FallbackTrigger.of(new ModelException.ProviderTimeout("slow")));
        assertEquals(FallbackTrigger.SERVER_ERROR, FallbackTrigger.of(new ModelException.ProviderError("p", 503, "m", null)));
        assertEquals(FallbackTrigger.CONNECT, FallbackTrigger.of(ModelException.ProviderError.unreachable("p", "m")));
        assertEquals(FallbackTrigger.REQUEST_TIMEOUT, FallbackTrigger.of(new ModelException.ProviderError("p", 408, "m", null)));
        assertEquals(null, FallbackTrigger.of(new ModelException.ProviderError("p", 400, "m", null)));
        // a refused connection as the router classifies it is CONNECT, not 5xx
        ModelException refused = RoutedCall.classify(new java.net.ConnectException("refused"), Target.of("p", "m"));
        assertEquals(FallbackTrigger.CONNECT, FallbackTrigger.of(refused));
        assertEquals(502, refused.status());
        assertEquals(FallbackTrigger.CONNECT, FallbackTrigger.fromYamlName("connect"));
        assertEquals(FallbackTrigger.RATE_LIMITED, FallbackTrigger.fromYamlName("429"));
    }
}
