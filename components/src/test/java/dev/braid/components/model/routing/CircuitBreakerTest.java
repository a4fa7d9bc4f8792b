package dev.braid.components.model.routing;

import static dev.braid.components.model.routing.RouterFixture.HELLO;
import static dev.braid.components.model.routing.RouterFixture.await;
import static dev.braid.components.model.routing.RouterFixture.failure;
import static dev.braid.components.model.routing.RouterFixture.fallback;
import static dev.braid.components.model.routing.RouterFixture.mock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.Target;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    /** Opens when 50 % of the last 4 calls failed (4 made), cool-down as given, one trial call. */
    private static CircuitBreakerSettings tight(Duration coolDown, boolean countRateLimits) {
        return new CircuitBreakerSettings(true, 50f, 4, 4, coolDown, 1, countRateLimits);
    }

    private RouterFixture f;

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void opensAfterTheThresholdAndEveryLaterCallSkipsTheTarget() throws Exception {
        f = new RouterFixture(tight(Duration.ofSeconds(30), true));
        Target a = mock("a", "failWith", "500");
        Target b = mock("b");
        for (int i = 0; i < 4; i++) {
            assertEquals("b", await(f.router.route(HELLO, fallback(0, a, b))).model());
        }
        assertEquals(4, f.mock.calls(a));
        assertEquals("OPEN", f.router.circuitStates().get("mock/a"));
        assertEquals("CLOSED", f.router.circuitStates().get("mock/b"));
        for (int i = 0; i < 3; i++) {
            assertEquals("b", await(f.router.route(HELLO, fallback(2, a, b))).model());
        }
        assertEquals(4, f.mock.calls(a), "an open circuit is not called, retries or not");
        assertEquals(7, f.mock.calls(b));
    }

    @Test
    void everyStrategySkipsAnOpenCircuit() throws Exception {
        f = new RouterFixture(tight(Duration.ofSeconds(30), true));
        Target a = mock("a", "failWith", "503");
        for (int i = 0; i < 4; i++) {
            failure(f.router.route(HELLO, fallback(0, a)));
        }
        Target b = mock("b");
        for (RoutingStrategy s : RoutingStrategy.values()) {
            RoutingPolicy p = new RoutingPolicy(s, List.of(a, b), Duration.ofSeconds(5), 0);
            for (int i = 0; i < 3; i++) {
                assertEquals("b", await(f.router.route(HELLO, p)).model(), s.yamlName());
            }
        }
        assertEquals(4, f.mock.calls(a));
    }

    @Test
    void whenEveryCircuitIsOpenTheCallFailsFastWithTheRemainingCoolDown() throws Exception {
        f = new RouterFixture(tight(Duration.ofSeconds(30), true));
        Target a = mock("a", "failWith", "500");
        Target c = mock("c", "failWith", "500");
        for (int i = 0; i < 4; i++) {
            ModelException e = failure(f.router.route(HELLO, fallback(0, a, c)));
            assertEquals(500, assertInstanceOf(ModelException.ProviderError.class, e).upstreamStatus());
        }
        ModelException.ProviderError open = assertInstanceOf(ModelException.ProviderError.class,
                failure(f.router.route(HELLO, fallback(1, a, c))));
        assertEquals(503, open.upstreamStatus());
        assertTrue(open.retryable());
        assertTrue(open.getMessage().startsWith("all targets unavailable (circuit open)"), open.getMessage());
        assertTrue(open.getMessage().contains("mock/a") && open.getMessage().contains("mock/c"), open.getMessage());
        assertTrue(open.retryAfter().compareTo(Duration.ZERO) > 0
                && open.retryAfter().compareTo(Duration.ofSeconds(30)) <= 0, open.retryAfter().toString());
        assertEquals(4, f.mock.calls(a));
        assertEquals(4, f.mock.calls(c));
    }

    @Test
    void halfOpenAfterTheCoolDownLetsATrialCallThroughAndASuccessClosesIt() throws Exception {
        f = new RouterFixture(tight(Duration.ofMillis(200), true));
        Target a = mock("a", "failTimes", "4"); // fails 4 times, then recovers
        for (int i = 0; i < 4; i++) {
            failure(f.router.route(HELLO, fallback(0, a)));
        }
        ModelException.ProviderError open = assertInstanceOf(ModelException.ProviderError.class,
                failure(f.router.route(HELLO, fallback(0, a))));
        assertEquals(503, open.upstreamStatus());
        assertTrue(open.retryAfter().toMillis() <= 200, open.retryAfter().toString());
        assertEquals(4, f.mock.calls(a));

        Thread.sleep(300); // test only: let the cool-down pass
        assertEquals("hello world", await(f.router.route(HELLO, fallback(0, a))).text());
        assertEquals(5, f.mock.calls(a));
        assertEquals("CLOSED", f.router.circuitStates().get("mock/a"));
    }

    @Test
    void aFailedTrialCallReopensTheCircuit() throws Exception {
        f = new RouterFixture(tight(Duration.ofMillis(200), true));
        Target a = mock("a", "failWith", "502");
        for (int i = 0; i < 4; i++) {
            failure(f.router.route(HELLO, fallback(0, a)));
        }
        Thread.sleep(300);
        assertEquals(502, assertInstanceOf(ModelException.ProviderError.class,
                failure(f.router.route(HELLO, fallback(0, a)))).upstreamStatus(), "the trial call is made");
        assertEquals(5, f.mock.calls(a));
        assertEquals("OPEN", f.router.circuitStates().get("mock/a"));
        assertEquals(503, assertInstanceOf(ModelException.ProviderError.class,
                failure(f.router.route(HELLO, fallback(0, a)))).upstreamStatus());
        assertEquals(5, f.mock.calls(a));
    }

    @Test
    void callerErrorsNeverOpenTheCircuit() throws Exception {
        f = new RouterFixture(tight(Duration.ofSeconds(30), true));
        Target bad = mock("bad", "failWith", "400");
        Target missing = mock("missing", "failWith", "404");
        for (int i = 0; i < 8; i++) {
            assertEquals(400, failure(f.router.route(HELLO, fallback(0, bad))).status());
            assertEquals(404, failure(f.router.route(HELLO, fallback(0, missing))).status());
        }
        assertEquals(8, f.mock.calls(bad));
        assertEquals(8, f.mock.calls(missing));
        assertEquals("CLOSED", f.router.circuitStates().get("mock/bad"));
        assertEquals("CLOSED", f.router.circuitStates().get("mock/missing"));
    }

    @Test
    void rateLimitsCountOnlyWhenConfiguredTo() throws Exception {
        Target limited = mock("limited", "failWith", "429", "retryAfter", "1ms");
        f = new RouterFixture(tight(Duration.ofSeconds(30), false));
        for (int i = 0; i < 6; i++) {
            assertEquals(429, failure(f.router.route(HELLO, fallback(0, limited))).status());
        }
        assertEquals("CLOSED", f.router.circuitStates().get("mock/limited"));
        f.close();

        f = new RouterFixture(tight(Duration.ofSeconds(30), true));
        for (int i = 0; i < 4; i++) {
            assertEquals(429, failure(f.router.route(HELLO, fallback(0, limited))).status());
        }
        assertEquals("OPEN", f.router.circuitStates().get("mock/limited"));
    }

    @Test
    void timeoutsCountAsFailures() throws Exception {
        f = new RouterFixture(tight(Duration.ofSeconds(30), true));
        Target slow = mock("slow", "delay", "2s");
        RoutingPolicy p = new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(slow), Duration.ofMillis(20), 0);
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(ModelException.ProviderTimeout.class, failure(f.router.route(HELLO, p)));
        }
        assertEquals("OPEN", f.router.circuitStates().get("mock/slow"));
    }

    @Test
    void disabledCircuitsNeverSkipATarget() throws Exception {
        f = new RouterFixture(CircuitBreakerSettings.DISABLED);
        Target a = mock("a", "failWith", "500");
        for (int i = 0; i < 25; i++) {
            assertEquals(500, assertInstanceOf(ModelException.ProviderError.class,
                    failure(f.router.route(HELLO, fallback(0, a)))).upstreamStatus());
        }
        assertEquals(25, f.mock.calls(a));
        assertEquals("DISABLED", f.router.circuitStates().get("mock/a"));
    }

    @Test
    void aSuccessfulTargetStaysClosedUnderTheDefaults() throws Exception {
        f = new RouterFixture(CircuitBreakerSettings.DEFAULTS);
        Target a = mock("a", "failTimes", "4"); // 4 of the first 10 fail: below 50 %
        for (int i = 0; i < 30; i++) {
            f.router.route(HELLO, fallback(0, a)).toCompletableFuture().handle((r, e) -> null).get();
        }
        assertEquals(30, f.mock.calls(a));
        assertEquals("CLOSED", f.router.circuitStates().get("mock/a"));
    }

    @Test
    void theDefaultsOpenOnceHalfOfTenCallsFailed() throws Exception {
        f = new RouterFixture(CircuitBreakerSettings.DEFAULTS);
        Target a = mock("a", "failTimes", "5");
        for (int i = 0; i < 10; i++) {
            f.router.route(HELLO, fallback(0, a)).toCompletableFuture().handle((r, e) -> null).get();
        }
        assertEquals("OPEN", f.router.circuitStates().get("mock/a"));
        assertEquals(503, assertInstanceOf(ModelException.ProviderError.class,
                failure(f.router.route(HELLO, fallback(0, a)))).upstreamStatus());
        assertEquals(10, f.mock.calls(a));
    }

    @Test
    void circuitStatesListOnlyTargetsOfKnownProviders() throws Exception {
        f = new RouterFixture(CircuitBreakerSettings.DEFAULTS);
        assertEquals(404, failure(f.router.route(HELLO, fallback(0, Target.of("nope", "x")))).status());
        await(f.router.route(HELLO, fallback(0, mock("a"))));
        assertEquals(java.util.Map.of("mock/a", "CLOSED"), f.router.circuitStates());
    }
}
