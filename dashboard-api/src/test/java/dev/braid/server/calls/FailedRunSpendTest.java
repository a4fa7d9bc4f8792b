package dev.braid.server.calls;

import dev.braid.server.access.KeyServer;
import dev.braid.server.limits.StreamBudgetTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.limits.SpendLedger;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A pipeline that fails after a paid step still owes that step: the provider billed it. The
 * budget settles to it (not released to 0, which would let the budget leak one paid step per
 * failure) and the usage rows show it, on invoke (plain and streamed) and on {@code pipeline/<name>}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedRunSpendTest {

    /** The first step answers (the fake bills 1234 + 56 tokens of gpt-4o-mini); the second fails with 500. */
    static final String PIPELINE = """
            apiVersion: braid/v1
            kind: Pipeline
            name: paid-then-broken
            input:
              required: [messages]
              properties:
                messages: { type: array }
            stream: broken
            steps:
              - id: paid
                model:
                  task: chat
                  targets: [{ provider: openai, model: gpt-4o-mini }]
                  messages: "{{input.messages}}"
                  maxTokens: 1000
              - id: broken
                model:
                  task: chat
                  targets: [{ provider: openai, model: fail-500 }]
                  retries: 0
                  prompt: { user: "{{steps.paid.text}}" }
                  maxTokens: 1000
            """;
    static final String INPUT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    FakeOpenAi upstream;
    KeyServer server;

    @BeforeAll
    void start() throws Exception {
        upstream = new FakeOpenAi();
        var p = StreamBudgetTest.providerProperties(upstream);
        p.put("braid.usage.flush-interval", "50ms");
        server = KeyServer.start(p);
        HttpResponse<String> r = server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN,
                "application/yaml", PIPELINE);
        assertEquals(201, r.statusCode(), r.body());
    }

    @AfterAll
    void stop() {
        server.close();
        upstream.close();
    }

    @Test
    void aFailedInvokeIsChargedItsFinishedStepsNotReleasedToZero() throws Exception {
        JsonNode key = StreamBudgetTest.key(server, "failing-invoker", ",\"usdPerMonth\":1");
        HttpResponse<String> r = server.post("/v1/pipelines/paid-then-broken/invoke", key.path("key").asText(),
                "{\"input\":" + INPUT + "}");
        assertEquals(502, r.statusCode(), r.body());
        assertEquals(StreamBudgetTest.ACTUAL_CHAT_MICROS, StreamBudgetTest.spent(server, "key:" + key.path("id").asText()),
                "the paid step is owed; the broken one cost nothing");

        JsonNode streamKey = StreamBudgetTest.key(server, "failing-streamer", ",\"usdPerMonth\":1");
        HttpResponse<String> streamed = server.post("/v1/pipelines/paid-then-broken/invoke", streamKey.path("key").asText(),
                "{\"stream\":true,\"input\":" + INPUT + "}");
        assertEquals(502, streamed.statusCode(), "failed before its first delta: a plain error " + streamed.body());
        assertEquals(StreamBudgetTest.ACTUAL_CHAT_MICROS,
                StreamBudgetTest.spent(server, "key:" + streamKey.path("id").asText()));
    }

    @Test
    void aFailedPipelineChatIsChargedItsFinishedSteps() throws Exception {
        JsonNode key = StreamBudgetTest.key(server, "failing-chatter", ",\"usdPerMonth\":1");
        HttpResponse<String> r = server.post("/v1/chat/completions", key.path("key").asText(),
                "{\"model\":\"pipeline/paid-then-broken\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(502, r.statusCode(), r.body());
        assertEquals(StreamBudgetTest.ACTUAL_CHAT_MICROS, StreamBudgetTest.spent(server, "key:" + key.path("id").asText()));
    }

    @Test
    void aFailedInvokesUsageRowsShowWhatItsFinishedStepsUsed() throws Exception {
        JsonNode created = StreamBudgetTest.key(server, "failing-observed", "");
        String invoker = created.path("key").asText();
        String keyId = created.path("id").asText();
        String requestId = "req_failed_run_" + System.nanoTime();
        HttpResponse<String> r = server.client.send(java.net.http.HttpRequest.newBuilder(
                        server.base.resolve("/v1/pipelines/paid-then-broken/invoke"))
                .header("Authorization", "Bearer " + invoker).header("Content-Type", "application/json")
                .header("X-Request-Id", requestId)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"input\":" + INPUT + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode(), r.body());

        String window = "from=" + Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                + "&to=" + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        JsonNode steps = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            steps = KeyServer.json(server.get("/api/usage?" + window + "&key=" + keyId
                    + "&groupBy=step", KeyServer.ADMIN)).path("rows");
            if (steps.size() == 2) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(2, steps.size(), String.valueOf(steps));
        JsonNode broken = steps.get(0);
        JsonNode paid = steps.get(1);
        assertEquals("broken", broken.path("step").asText(), steps.toString());
        assertEquals(1, broken.path("errors").asLong());
        assertEquals(0.0, broken.path("costUsd").asDouble());
        assertEquals("paid", paid.path("step").asText());
        assertEquals(FakeOpenAi.PROMPT_TOKENS + FakeOpenAi.COMPLETION_TOKENS, paid.path("totalTokens").asLong());

        JsonNode request = KeyServer.json(server.get("/api/usage?" + window + "&key=" + keyId, KeyServer.ADMIN))
                .path("rows").get(0);
        assertEquals(1, request.path("errors").asLong());
        assertEquals(paid.path("costUsd").asDouble(), request.path("costUsd").asDouble(), 1e-12,
                "the failed request's row carries what its paid step cost");
        assertTrue(request.path("costUsd").asDouble() > 0);
        assertEquals(StreamBudgetTest.ACTUAL_CHAT_MICROS, SpendLedger.micros(request.path("costUsd").asDouble()));
    }
}
