package dev.braid.server.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.access.KeyServer;
import dev.braid.server.limits.StreamBudgetTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LiteLLM #38176 (budgets skipped on /v1/messages) as a test: on the Messages door, with the key in
 * {@code x-api-key} as Anthropic's clients send it, budgets and daily token quotas are reserved before
 * the call and settled to the provider's usage after it, streamed and not, on a provider model and on
 * {@code pipeline/<name>} (the pipeline's own budget too). A refusal is Anthropic's 429.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagesBudgetTest {

    FakeOpenAi upstream;
    KeyServer server;

    @BeforeAll
    void start() throws Exception {
        upstream = new FakeOpenAi();
        Map<String, Object> p = StreamBudgetTest.providerProperties(upstream);
        p.put("braid.budgets.pipelines.msg-paid", "1");
        p.put("braid.budgets.pipelines.msg-poor", "0.000001");
        server = KeyServer.start(p);
        for (String name : List.of("msg-paid", "msg-poor")) {
            HttpResponse<String> r = server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN,
                    "application/yaml", StreamBudgetTest.PIPELINE.formatted(name));
            assertEquals(201, r.statusCode(), r.body());
        }
    }

    @AfterAll
    void stop() {
        server.close();
        upstream.close();
    }

    HttpResponse<String> messages(String key, String model, boolean stream) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":1000,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return server.client.send(HttpRequest.newBuilder(server.base.resolve("/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertAnthropicRefusal(HttpResponse<String> r, String code) throws Exception {
        assertEquals(429, r.statusCode(), r.body());
        JsonNode e = KeyServer.JSON.readTree(r.body());
        assertEquals("rate_limit_error", e.at("/error/type").asText(), r.body());
        assertTrue(e.at("/error/message").asText().length() > 0);
        assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.body());
    }

    long spentSettled(String scope, long expected) throws InterruptedException {
        long spent = StreamBudgetTest.spent(server, scope);
        for (int i = 0; i < 100 && spent != expected; i++) {
            Thread.sleep(100);
            spent = StreamBudgetTest.spent(server, scope);
        }
        return spent;
    }

    @Test
    void aBudgetIsReservedAndSettledToTheProvidersUsageStreamedAndNot() throws Exception {
        JsonNode key = StreamBudgetTest.key(server, "msg-spender", ",\"usdPerMonth\":1");
        String secret = key.path("key").asText();
        String scope = "key:" + key.path("id").asText();
        HttpResponse<String> once = messages(secret, "openai/gpt-4o-mini", false);
        assertEquals(200, once.statusCode(), once.body());
        assertEquals(StreamBudgetTest.ACTUAL_CHAT_MICROS, spentSettled(scope, StreamBudgetTest.ACTUAL_CHAT_MICROS));
        HttpResponse<String> streamed = messages(secret, "openai/gpt-4o-mini", true);
        assertTrue(streamed.body().contains("event: message_stop"), streamed.body());
        assertEquals(2 * StreamBudgetTest.ACTUAL_CHAT_MICROS, spentSettled(scope, 2 * StreamBudgetTest.ACTUAL_CHAT_MICROS));
        HttpResponse<String> pipeline = messages(secret, "pipeline/msg-paid", false);
        assertEquals(200, pipeline.statusCode(), pipeline.body());
        assertEquals(3 * StreamBudgetTest.ACTUAL_CHAT_MICROS, spentSettled(scope, 3 * StreamBudgetTest.ACTUAL_CHAT_MICROS));
    }

    @Test
    void aBudgetTooSmallForTheWorstCaseIsRefusedBeforeTheProviderIsCalled() throws Exception {
        String secret = StreamBudgetTest.key(server, "msg-poor-key", ",\"usdPerMonth\":0.000001").path("key").asText();
        int before = upstream.requests.size();
        assertAnthropicRefusal(messages(secret, "openai/gpt-4o-mini", false), "budget_exceeded");
        assertAnthropicRefusal(messages(secret, "openai/gpt-4o-mini", true), "budget_exceeded");
        String rich = StreamBudgetTest.key(server, "msg-rich-key", ",\"usdPerMonth\":1").path("key").asText();
        assertAnthropicRefusal(messages(rich, "pipeline/msg-poor", false), "budget_exceeded");
        assertAnthropicRefusal(messages(rich, "pipeline/msg-poor", true), "budget_exceeded");
        assertEquals(before, upstream.requests.size(), "no refused call reached the provider");
    }

    @Test
    void streamedAndUnstreamedTokensCountTowardTheDailyQuota() throws Exception {
        for (boolean stream : List.of(false, true)) {
            String secret = StreamBudgetTest.key(server, "msg-quota-" + stream, ",\"tokensPerDay\":1000").path("key").asText();
            HttpResponse<String> first = messages(secret, "openai/gpt-4o-mini", stream);
            assertEquals(200, first.statusCode(), first.body());
            // 1290 tokens of a 1000-token day: the next call is refused
            HttpResponse<String> second = messages(secret, "openai/gpt-4o-mini", stream);
            for (int i = 0; i < 50 && second.statusCode() == 200; i++) {
                Thread.sleep(100); // the settlement of a stream lands just after its last event
                second = messages(secret, "openai/gpt-4o-mini", stream);
            }
            assertAnthropicRefusal(second, "token_quota_exceeded");
        }
    }

    @Test
    void aMissingOrUnknownKeyIsAnthropicsAuthenticationError() throws Exception {
        HttpResponse<String> r = messages("bk_live_nope", "openai/gpt-4o-mini", false);
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("authentication_error", KeyServer.JSON.readTree(r.body()).at("/error/type").asText(), r.body());
    }
}
