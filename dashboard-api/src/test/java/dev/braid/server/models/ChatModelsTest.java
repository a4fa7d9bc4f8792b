package dev.braid.server.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Target;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aliases from config become routing policies, and a bad one stops startup naming its key. */
class ChatModelsTest {

    static ChatModels models(ModelAliasConfiguration... aliases) {
        return new ChatModels(null, null, List.of(aliases)); // aliases are read at construction; the runtime only on calls
    }

    @Test
    void anAliasIsAPolicyWithItsTargetsOptionsAndLimits() {
        RoutingPolicy p = models(new ModelAliasConfiguration("smart", "cheapest",
                List.of(Map.of("provider", "openai", "model", "gpt-4o"),
                        Map.of("provider", "mock", "model", "m", "delay", "50ms", "weight", 2)),
                2, "15s", null)).aliases().get("smart");
        assertEquals(RoutingStrategy.CHEAPEST, p.strategy());
        assertEquals(List.of(Target.of("openai", "gpt-4o"), new Target("mock", "m", Map.of("delay", "50ms", "weight", "2"))),
                p.targets());
        assertEquals(2, p.retries());
        assertEquals(Duration.ofSeconds(15), p.timeout());
        RoutingPolicy defaults = models(new ModelAliasConfiguration("plain", null,
                List.of(Map.of("provider", "mock", "model", "m")), null, null, null)).aliases().get("plain");
        assertEquals(RoutingStrategy.FALLBACK, defaults.strategy());
        assertEquals(0, defaults.retries());
        assertEquals(RoutingPolicy.DEFAULT_TIMEOUT, defaults.timeout());
        assertEquals(dev.braid.components.model.routing.FallbackTrigger.ALL, defaults.on());
    }

    @Test
    void anAliasNarrowsItsFallbackTriggers() {
        RoutingPolicy p = models(new ModelAliasConfiguration("strict", null,
                List.of(Map.of("provider", "mock", "model", "a"), Map.of("provider", "mock", "model", "b")),
                null, null, List.of("5xx", "timeout"))).aliases().get("strict");
        assertEquals(java.util.Set.of(dev.braid.components.model.routing.FallbackTrigger.SERVER_ERROR,
                dev.braid.components.model.routing.FallbackTrigger.TIMEOUT), p.on());
    }

    @Test
    void aBadAliasNamesItsKey() {
        for (ModelAliasConfiguration bad : List.of(
                new ModelAliasConfiguration("a", "random", List.of(Map.of("provider", "mock", "model", "m")), null, null, null),
                new ModelAliasConfiguration("a", null, null, null, null, null),
                new ModelAliasConfiguration("a", null, List.of(Map.of("provider", "mock")), null, null, null),
                new ModelAliasConfiguration("a", null, List.of(Map.of("provider", "mock", "model", "m")), -1, null, null),
                new ModelAliasConfiguration("a", null, List.of(Map.of("provider", "mock", "model", "m")), null, "soon", null),
                new ModelAliasConfiguration("a", null, List.of(Map.of("provider", "mock", "model", "m")), null, null,
                        List.of("4xx")))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> models(bad), bad.toString());
            assertTrue(e.getMessage().startsWith("braid.models.aliases.a: "), e.getMessage());
        }
    }
}
