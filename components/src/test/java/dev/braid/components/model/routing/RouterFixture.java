package dev.braid.components.model.routing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.cache.ResponseCache;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.pricing.PriceTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A router on a fresh scheduler with the mock provider, for the router tests; close it after each test. */
final class RouterFixture implements AutoCloseable {

    static final ModelRequest HELLO = ModelRequest.chat(List.of(Message.user("hello world")));
    /** Tiny waits keep the suites fast. */
    static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(500));

    final ScheduledExecutorService scheduler = ModelComponent.newScheduler(2);
    final MockProvider mock = new MockProvider(scheduler);
    final ProviderRegistry registry = new ProviderRegistry();
    final PriceTable prices = PriceTable.standard();
    final ModelRouter router;

    RouterFixture(CircuitBreakerSettings circuits, ResponseCache cache) {
        registry.register(mock);
        router = new ModelRouter(registry, prices, scheduler, new Random(7), FAST, circuits, cache);
    }

    RouterFixture(CircuitBreakerSettings circuits) {
        this(circuits, new InMemoryResponseCache(100));
    }

    static Target mock(String model, String... options) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return new Target("mock", model, o);
    }

    static RoutingPolicy fallback(int retries, Target... targets) {
        return new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(targets), Duration.ofSeconds(5), retries);
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ModelException failure(CompletionStage<?> stage) throws Exception {
        try {
            await(stage);
        } catch (ExecutionException e) {
            return assertInstanceOf(ModelException.class, e.getCause());
        }
        return fail("the call should have failed");
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
