package dev.braid.components.model.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.local.LocalProvider;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.routing.CircuitBreakerSettings;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.components.model.routing.RoutingPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelGatewayTest {

    private static final ModelRequest HELLO = ModelRequest.chat(List.of(Message.user("hello")));

    private static ModelResponse call(ModelGateway gateway, RoutingPolicy policy, CachePolicy cache) throws Exception {
        return gateway.router().route(HELLO, policy, cache).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void theBuiltInProvidersAreThereOnceAndAGivenOneReplacesThemByName() {
        ScheduledExecutorService scheduler = ModelGateway.newScheduler(1);
        MockProvider mine = new MockProvider(scheduler);
        try (ModelGateway plain = ModelGateway.standard();
                ModelGateway replaced = ModelGateway.builder().provider(mine).build()) {
            assertEquals(List.of("local", "mock"), List.copyOf(plain.providers().names()));
            assertInstanceOf(LocalProvider.class, plain.providers().get("local"));
            assertSame(mine, replaced.providers().get(MockProvider.NAME));
            assertEquals(List.of("local", "mock"), List.copyOf(replaced.providers().names()));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void attachingAnotherCacheKeepsTheRouterAndItsOpenCircuits() throws Exception {
        try (ModelGateway gateway = ModelGateway.builder()
                .circuitBreakerSettings(new CircuitBreakerSettings(true, 50f, 2, 2, Duration.ofMinutes(5), 1, true))
                .build()) {
            ModelRouter router = gateway.router();
            RoutingPolicy down = RoutingPolicy.single(new Target("mock", "down", Map.of("failWith", "500")));
            for (int i = 0; i < 2; i++) {
                try {
                    call(gateway, down, null);
                } catch (ExecutionException expected) {
                    // the failures open the circuit
                }
            }
            assertEquals("OPEN", gateway.circuitStates().get("mock/down"));

            InMemoryResponseCache shared = new InMemoryResponseCache(10);
            gateway.useResponseCache(shared);

            assertSame(router, gateway.router(), "the router is not rebuilt");
            assertSame(shared, gateway.responseCache());
            assertEquals("OPEN", gateway.circuitStates().get("mock/down"), "circuit states survive the swap");
            RoutingPolicy up = RoutingPolicy.single(Target.of("mock", "up"));
            call(gateway, up, CachePolicy.ttl(Duration.ofMinutes(1)));
            String key = dev.braid.components.model.cache.ResponseCache.key(HELLO, up);
            Optional<ModelResponse> stored = shared.get(key).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertTrue(stored.isPresent(), "answers go to the attached cache");
        }
    }

    @Test
    void closingStopsItsOwnSchedulerAndReopeningKeepsAddedProviders() {
        ModelGateway gateway = ModelGateway.builder().schedulerThreads(1).build();
        ModelProvider extra = new ModelProvider() {
            @Override
            public String name() {
                return "extra";
            }

            @Override
            public CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
                return CompletableFuture.failedFuture(new UnsupportedOperationException());
            }
        };
        gateway.addProvider(extra);
        gateway.close();
        assertTrue(gateway.isClosed());
        ModelGateway again = gateway.reopened();
        try {
            assertNotSame(gateway, again);
            assertFalse(again.isClosed());
            assertSame(extra, again.providers().get("extra"));
            assertNotSame(gateway.providers().get(MockProvider.NAME), again.providers().get(MockProvider.NAME),
                    "the built-in mock moves onto the new scheduler");
        } finally {
            again.close();
        }
    }

    @Test
    void aCallersSchedulerOutlivesTheGateway() {
        ScheduledExecutorService scheduler = ModelGateway.newScheduler(1);
        try {
            ModelGateway gateway = ModelGateway.builder().scheduler(scheduler).build();
            gateway.close();
            assertFalse(scheduler.isShutdown());
            assertSame(gateway, gateway.reopened());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
