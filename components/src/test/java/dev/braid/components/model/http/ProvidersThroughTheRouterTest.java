package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.Message;
import dev.braid.components.model.ModelException;
import dev.braid.components.model.ModelRequest;
import dev.braid.components.model.ModelResponse;
import dev.braid.components.model.ModelRouter;
import dev.braid.components.model.PriceTable;
import dev.braid.components.model.ProviderRegistry;
import dev.braid.components.model.RoutingPolicy;
import dev.braid.components.model.RoutingStrategy;
import dev.braid.components.model.Target;
import dev.braid.components.model.anthropic.AnthropicProvider;
import dev.braid.components.model.anthropic.AnthropicSettings;
import dev.braid.components.model.http.WireServer.Reply;
import dev.braid.components.model.openai.OpenAiProvider;
import dev.braid.components.model.openai.OpenAiSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real adapters behind the real router: fallback on a provider's 529, router timeouts abort the HTTP call. */
class ProvidersThroughTheRouterTest {

    private final WireServer anthropic = WireServer.start();
    private final WireServer openai = WireServer.start();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ProviderRegistry registry = new ProviderRegistry();
    private final ModelRouter router = new ModelRouter(registry,
            PriceTable.empty().override("openai/gpt-4o-mini", new PriceTable.Price(1.0, 2.0)), scheduler);

    ProvidersThroughTheRouterTest() {
        registry.register(new AnthropicProvider(new AnthropicSettings(null, anthropic.baseUrl() + "/v1", "a-key", null, 0, null)));
        registry.register(new OpenAiProvider(new OpenAiSettings("openai", openai.baseUrl() + "/v1", "o-key", null)));
    }

    @AfterEach
    void stop() {
        anthropic.close();
        openai.close();
        scheduler.shutdownNow();
    }

    @Test
    void anOverloadedAnthropicFallsBackToOpenAiAndTheRouterPricesTheAnswer() throws Exception {
        anthropic.reply(Reply.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        openai.reply(Reply.json(200, new dev.braid.components.model.openai.OpenAiProviderTestBodies().chatAnswer("from openai")));
        RoutingPolicy policy = new RoutingPolicy(RoutingStrategy.FALLBACK,
                List.of(Target.of("anthropic", "claude-3-5-haiku-latest"), Target.of("openai", "gpt-4o-mini")),
                Duration.ofSeconds(5), 0);
        ModelResponse r = router.route(ModelRequest.chat(List.of(Message.user("hi"))), policy)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("openai", r.provider());
        assertEquals("from openai", r.text());
        assertEquals((10 * 1.0 + 3 * 2.0) / 1_000_000, r.usage().costUsd(), 1e-12);
        assertEquals(1, anthropic.requests().size());
    }

    @Test
    void theRoutersTimeoutIsAProviderTimeoutAndFreesTheCall() throws Exception {
        anthropic.reply(Reply.json(200, "{}").delayedBy(3000));
        RoutingPolicy policy = new RoutingPolicy(RoutingStrategy.FALLBACK,
                List.of(Target.of("anthropic", "claude-3-5-haiku-latest")), Duration.ofMillis(300), 0);
        long t0 = System.nanoTime();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
                router.route(ModelRequest.chat(List.of(Message.user("hi"))), policy).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(ModelException.ProviderTimeout.class, e.getCause());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000);
    }
}
