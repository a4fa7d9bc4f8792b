package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.anthropic.AnthropicProvider;
import dev.braid.components.model.anthropic.AnthropicSettings;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.http.WireServer.Reply;
import dev.braid.components.model.openai.OpenAiProvider;
import dev.braid.components.model.openai.OpenAiProviderTestBodies;
import dev.braid.components.model.openai.OpenAiSettings;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.model.routing.Backoff;
import dev.braid.components.model.routing.CircuitBreakerSettings;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real adapters behind the real router: fallback on a provider's 529, router timeouts abort the HTTP
 * call, an account out of quota or credit is not retried but falls back.
 */
class ProvidersThroughTheRouterTest {

    /** OpenAI's answer to a key whose account has no quota left, byte for byte (pretty-printed, as OpenAI sends it). */
    static final String OPENAI_INSUFFICIENT_QUOTA = """
            {
                "error": {
                    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                    "type": "insufficient_quota",
                    "param": null,
                    "code": "insufficient_quota"
                }
            }
            """;

    /** Anthropic's answer to an account without credit: a 400 invalid_request_error, told apart only by its message. */
    static final String ANTHROPIC_CREDIT_TOO_LOW = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
            + "\"message\":\"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.\"},"
            + "\"request_id\":\"req_011CbrFTcXhtiMzr3s6EocF7\"}";

    /** A Messages API answer saying "from claude". */
    static final String CLAUDE_ANSWER = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-3-5-haiku-20241022\",\"content\":[{\"type\":\"text\",\"text\":\"from claude\"}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":3}}";

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
        openai.reply(Reply.json(200, new OpenAiProviderTestBodies().chatAnswer("from openai")));
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
    void anEmpty200FromOpenAiIsRetriedThenFallsBackToAnthropic() throws Exception {
        openai.reply(Reply.json(200, ""));
        anthropic.reply(Reply.json(200, CLAUDE_ANSWER));
        ModelResponse r = route(fallback(1, Target.of("openai", "gpt-4o-mini"), Target.of("anthropic", "claude-3-5-haiku-latest")));
        assertEquals("anthropic", r.provider());
        assertEquals("from claude", r.text());
        assertEquals(2, openai.requests().size(), "a 5xx-class failure: retried once on the same target");
        assertEquals(1, anthropic.requests().size());
    }

    @Test
    void aWhitespace200FromTheOnlyTargetIsA502() {
        openai.reply(Reply.json(200, " \r\n "));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> route(fallback(0, Target.of("openai", "gpt-4o-mini"))));
        ModelException me = assertInstanceOf(ModelException.class, e.getCause());
        assertEquals(502, me.status());
        assertTrue(me.getMessage().contains("empty body"), me.getMessage());
    }

    private static RoutingPolicy fallback(int retries, Target... targets) {
        return new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(targets), Duration.ofSeconds(5), retries);
    }

    private ModelResponse route(RoutingPolicy policy) throws Exception {
        return router.route(ModelRequest.chat(List.of(Message.user("hi"))), policy).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void openAiOutOfQuotaIsNotRetriedButFallsBackToTheNextTarget() throws Exception {
        openai.reply(Reply.json(429, OPENAI_INSUFFICIENT_QUOTA));
        anthropic.reply(Reply.json(200, CLAUDE_ANSWER));
        ModelResponse r = route(fallback(2, Target.of("openai", "gpt-4o-mini"), Target.of("anthropic", "claude-3-5-haiku-latest")));
        assertEquals("from claude", r.text());
        assertEquals(1, openai.requests().size(), "retries: 2, but a spent quota answers the same every time");
        assertEquals(1, anthropic.requests().size());
    }

    /** OpenAI's answer to a revoked or wrong key, byte for byte (pretty-printed, the key partly quoted). */
    static final String OPENAI_INVALID_KEY = """
            {
                "error": {
                    "message": "Incorrect API key provided: o-key. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "type": "invalid_request_error",
                    "param": null,
                    "code": "invalid_api_key"
                }
            }
            """;

    @Test
    void aRefusedKeyIsNotRetriedButFallsBackAndAloneIsA502NamingTheAuthFailure() throws Exception {
        openai.reply(Reply.json(401, OPENAI_INVALID_KEY));
        anthropic.reply(Reply.json(200, CLAUDE_ANSWER));
        ModelResponse r = route(fallback(2, Target.of("openai", "gpt-4o-mini"), Target.of("anthropic", "claude-3-5-haiku-latest")));
        assertEquals("from claude", r.text());
        assertEquals(1, openai.requests().size(), "retries: 2, but a refused key is refused every time");

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> route(fallback(2, Target.of("openai", "gpt-4o-mini"))));
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e.getCause());
        assertEquals(502, pe.status(), "Braid's key, not the caller's fault");
        assertEquals("provider_auth_failed", pe.code());
        assertTrue(!pe.getMessage().contains("o-key"), pe.getMessage());
    }

    @Test
    void aModelTheProviderDoesNotServeFallsBackWithoutRetrying() throws Exception {
        openai.reply(Reply.json(404, "{\"error\":{\"message\":\"The model `gpt-4o-minni` does not exist or you do not have access to it.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}"));
        anthropic.reply(Reply.json(200, CLAUDE_ANSWER));
        ModelResponse r = route(fallback(2, Target.of("openai", "gpt-4o-minni"), Target.of("anthropic", "claude-3-5-haiku-latest")));
        assertEquals("from claude", r.text());
        assertEquals(1, openai.requests().size());
    }

    @Test
    void aPassingOpenAiRateLimitIsStillRetriedOnTheSameTarget() throws Exception {
        openai.reply(Reply.json(429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini\",\"type\":\"requests\","
                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}").withHeader("retry-after-ms", "10"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> route(fallback(2, Target.of("openai", "gpt-4o-mini"))));
        assertEquals(3, openai.requests().size());
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e.getCause());
        assertEquals(429, pe.status());
        assertEquals("provider_rate_limited", pe.code());
    }

    @Test
    void anthropicWithoutCreditIsNotRetriedButFallsBackToOpenAi() throws Exception {
        anthropic.reply(Reply.json(400, ANTHROPIC_CREDIT_TOO_LOW));
        openai.reply(Reply.json(200, new OpenAiProviderTestBodies().chatAnswer("from openai")));
        ModelResponse r = route(fallback(2, Target.of("anthropic", "claude-3-5-haiku-latest"), Target.of("openai", "gpt-4o-mini")));
        assertEquals("from openai", r.text());
        assertEquals(1, anthropic.requests().size());
    }

    @Test
    void whenEveryAccountIsSpentTheCallerGets502QuotaExhaustedWithoutRetryAfter() throws Exception {
        openai.reply(Reply.json(429, OPENAI_INSUFFICIENT_QUOTA).withHeader("retry-after", "1"));
        anthropic.reply(Reply.json(400, ANTHROPIC_CREDIT_TOO_LOW));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> route(fallback(1, Target.of("openai", "gpt-4o-mini"), Target.of("anthropic", "claude-3-5-haiku-latest"))));
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e.getCause());
        assertTrue(pe.quotaExhausted());
        assertEquals(502, pe.status(), "the gateway's own account is spent: not the caller's fault, not worth a retry");
        assertEquals("provider_quota_exhausted", pe.code());
        assertNull(pe.retryAfter());
        assertTrue(pe.getMessage().contains("credit balance is too low"), pe.getMessage());
        assertEquals(1, openai.requests().size());
        assertEquals(1, anthropic.requests().size());
    }

    @Test
    void aSpentAccountOpensItsCircuitEvenWhereRateLimitsDoNotCount() throws Exception {
        openai.reply(Reply.json(429, OPENAI_INSUFFICIENT_QUOTA));
        anthropic.reply(Reply.json(200, CLAUDE_ANSWER));
        // opens when half of the last 4 calls failed; a passing 429 would not count
        ModelRouter tight = new ModelRouter(registry, PriceTable.empty(), scheduler, new Random(7),
                Backoff.DEFAULT,
                new CircuitBreakerSettings(true, 50f, 4, 4, Duration.ofSeconds(30), 1, false),
                new InMemoryResponseCache(10));
        RoutingPolicy policy = fallback(0, Target.of("openai", "gpt-4o-mini"), Target.of("anthropic", "claude-3-5-haiku-latest"));
        for (int i = 0; i < 6; i++) {
            ModelResponse r = tight.route(ModelRequest.chat(List.of(Message.user("hi " + i))), policy)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("from claude", r.text());
        }
        assertEquals("OPEN", tight.circuitStates().get("openai/gpt-4o-mini"));
        assertEquals(4, openai.requests().size(), "once open, the spent account is skipped without a call");
    }

    @Test
    void anOrdinaryBadRequestStillEndsTheCallAtOnce() throws Exception {
        anthropic.reply(Reply.json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"max_tokens: Field required\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> route(fallback(2, Target.of("anthropic", "claude-3-5-haiku-latest"), Target.of("openai", "gpt-4o-mini"))));
        assertEquals(400, ((ModelException) e.getCause()).status());
        assertEquals(0, openai.requests().size(), "a bad request is the caller's: no fallback");
    }

    @Test
    void theRoutersTimeoutIsAProviderTimeoutAndFreesTheCall() throws Exception {
        anthropic.reply(Reply.json(200, "{}").delayedBy(3000));
        RoutingPolicy policy = new RoutingPolicy(RoutingStrategy.FALLBACK,
                List.of(Target.of("anthropic", "claude-3-5-haiku-latest")), Duration.ofMillis(300), 0);
        long t0 = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () ->
                router.route(ModelRequest.chat(List.of(Message.user("hi"))), policy).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(ModelException.ProviderTimeout.class, e.getCause());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000);
    }
}
