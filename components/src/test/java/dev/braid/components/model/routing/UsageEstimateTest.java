package dev.braid.components.model.routing;

import static dev.braid.components.model.routing.RouterFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.tokens.TokenCounter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UsageEstimateTest {

    /** Answers fixed text with whatever usage it is given, like an adapter whose API reports none. */
    private record FixedProvider(String name, String text, List<ToolCall> calls, Usage usage) implements ModelProvider {
        @Override
        public CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
            return CompletableFuture.completedFuture(
                    new ModelResponse(name, target.model(), text, calls, "stop", null, usage, 0));
        }
    }

    private static final ModelRequest ASK = ModelRequest.chat(List.of(
            Message.system("You are terse."), Message.user("What is the capital of France?")));

    private final RouterFixture f = new RouterFixture(CircuitBreakerSettings.DEFAULTS);

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aProviderWithoutUsageGetsAnEstimateThatIsPriced() throws Exception {
        f.registry.register(new FixedProvider("bare", "Paris is the capital.", null, Usage.ZERO));
        f.prices.override("bare/*", new PriceTable.Price(1_000_000.0, 2_000_000.0)); // $1 and $2 per token
        TokenCounter counter = TokenCounter.forModel("gpt-4o");
        long prompt = counter.count("You are terse.") + counter.count("What is the capital of France?");
        long completion = counter.count("Paris is the capital.");
        for (ModelResponse r : List.of(
                await(f.router.route(ASK, RoutingPolicy.single(Target.of("bare", "gpt-4o")))),
                await(f.router.routeStream(ASK, RoutingPolicy.single(Target.of("bare", "gpt-4o")), d -> {})))) {
            Usage u = r.usage();
            assertTrue(u.estimated());
            assertEquals(prompt, u.promptTokens());
            assertEquals(completion, u.completionTokens());
            assertEquals(prompt + completion, u.totalTokens());
            assertEquals(prompt * 1.0 + completion * 2.0, u.costUsd(), 1e-9);
        }
    }

    @Test
    void toolCallsCountAsCompletion() throws Exception {
        ToolCall call = new ToolCall("c1", "weather", "{\"city\":\"Paris\"}");
        f.registry.register(new FixedProvider("bare", null, List.of(call), Usage.ZERO));
        Usage u = await(f.router.route(ASK, RoutingPolicy.single(Target.of("bare", "x")))).usage();
        TokenCounter counter = TokenCounter.forModel("x");
        assertTrue(u.estimated());
        assertEquals(counter.count("weather") + counter.count("{\"city\":\"Paris\"}"), u.completionTokens());
    }

    @Test
    void reportedUsageIsKept() throws Exception {
        f.registry.register(new FixedProvider("honest", "Paris.", null, Usage.of(7, 2, 0, false)));
        Usage u = await(f.router.route(ASK, RoutingPolicy.single(Target.of("honest", "x")))).usage();
        assertFalse(u.estimated());
        assertEquals(7, u.promptTokens());
        assertEquals(2, u.completionTokens());
    }

    @Test
    void anEmptyAnswerIsNotEstimated() throws Exception {
        f.registry.register(new FixedProvider("bare", "", null, Usage.ZERO));
        Usage u = await(f.router.route(ASK, RoutingPolicy.single(Target.of("bare", "x")))).usage();
        assertEquals(Usage.ZERO, u);
    }

    @Test
    void aStreamWhoseUsageFrameCarriedOnlyThePromptGetsTheCompletionEstimated() throws Exception {
        f.registry.register(new FixedProvider("halfway", "Paris is the capital.", null, Usage.of(9, 0, 0, false)));
        Usage u = await(f.router.routeStream(ASK, RoutingPolicy.single(Target.of("halfway", "x")), d -> {})).usage();
        assertTrue(u.estimated());
        assertEquals(9, u.promptTokens(), "what the provider reported stays");
        assertEquals(TokenCounter.forModel("x").count("Paris is the capital."), u.completionTokens());
        assertEquals(9 + u.completionTokens(), u.totalTokens());
    }

    @Test
    void fieldsWithoutUsageGetThePromptEstimated() throws Exception {
        ModelProvider embedder = new ModelProvider() {
            @Override
            public String name() {
                return "embedder";
            }

            @Override
            public CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
                return CompletableFuture.completedFuture(new ModelResponse(null, null, null, null, null,
                        java.util.Map.of("embeddings", List.of(List.of(1.0, 0.0))), Usage.ZERO, 0));
            }
        };
        f.registry.register(embedder);
        ModelRequest req = ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("a short input text"));
        Usage u = await(f.router.route(req, RoutingPolicy.single(Target.of("embedder", "e")))).usage();
        assertTrue(u.estimated());
        assertEquals(TokenCounter.forModel("e").count("a short input text"), u.promptTokens());
        assertEquals(0, u.completionTokens());
    }
}
