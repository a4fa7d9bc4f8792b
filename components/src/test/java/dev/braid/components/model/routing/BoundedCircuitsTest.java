package dev.braid.components.model.routing;

import static dev.braid.components.model.routing.RouterFixture.HELLO;
import static dev.braid.components.model.routing.RouterFixture.await;
import static dev.braid.components.model.routing.RouterFixture.fallback;
import static dev.braid.components.model.routing.RouterFixture.mock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Target;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 (noticed after item 1): model names on the chat API are the caller's, and every name
 * called got a circuit breaker and a latency average that were never forgotten, so a caller
 * sending made-up names grew the router's maps (and the circuit gauges) without bound.
 */
class BoundedCircuitsTest {

    private static final CircuitBreakerSettings TIGHT =
            new CircuitBreakerSettings(true, 50f, 2, 2, Duration.ofSeconds(30), 1, true);

    @Test
    void callingMoreNamesThanTheBoundKeepsTheMapsBounded() throws Exception {
        try (RouterFixture f = new RouterFixture(CircuitBreakerSettings.DEFAULTS)) {
            int names = TargetCircuits.MAX_CIRCUITS * 2 + 100;
            for (int i = 0; i < names; i++) {
                Target t = mock("caller-chosen-" + i);
                assertEquals("caller-chosen-" + i, await(f.router.route(HELLO, fallback(0, t))).model());
            }
            int circuits = f.router.circuitStates().size();
            assertTrue(circuits <= TargetCircuits.MAX_CIRCUITS && circuits > 0, circuits + " circuits");
            assertTrue(f.router.latencies().size() <= LatencyTracker.MAX_TARGETS, f.router.latencies().size() + " averages");
            // the newest name is among those kept, and routing still works for it
            assertTrue(f.router.circuitStates().containsKey("mock/caller-chosen-" + (names - 1)));
        }
    }

    @Test
    void anOpenCircuitOutlivesClosedOnesWhenTheBoundIsReached() throws Exception {
        TargetCircuits circuits = new TargetCircuits(TIGHT, Clock.systemUTC(), 20);
        TargetCircuits.Circuit open = circuits.of(mock("broken"));
        for (int i = 0; i < 2; i++) {
            assertTrue(open.tryAcquirePermission());
            open.onError(1_000_000, new dev.braid.components.model.api.ModelException.ProviderError("mock", 503, "down", null));
        }
        assertEquals("OPEN", circuits.states().get("mock/broken"));
        for (int i = 0; i < 200; i++) {
            circuits.of(mock("name-" + i));
            assertTrue(circuits.size() <= 20, circuits.size() + " circuits");
        }
        assertEquals("OPEN", circuits.states().get("mock/broken"), "the open circuit was kept, closed ones went first");
        assertTrue(circuits.states().containsKey("mock/name-199"));
    }
}
