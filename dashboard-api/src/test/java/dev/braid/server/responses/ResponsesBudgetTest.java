package dev.braid.server.responses;

import static dev.braid.server.limits.StreamBudgetTest.ACTUAL_CHAT_MICROS;
import static dev.braid.server.limits.StreamBudgetTest.assertRefused;
import static dev.braid.server.limits.StreamBudgetTest.key;
import static dev.braid.server.limits.StreamBudgetTest.spent;
import static dev.braid.server.limits.StreamBudgetTest.worstChatMicros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.access.KeyServer;
import dev.braid.server.openai.Sse;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LiteLLM #38176 ("provider budgets never count /v1/responses spend") as a test: on the Responses
 * door, a key's budget is reserved at the worst case before the call and settled to the provider's
 * usage when it ends, streamed or not; a key without room is refused with 429 before the upstream
 * sees anything; overlapping streams are admitted only as far as the budget goes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponsesBudgetTest {

    FakeOpenAi upstream;
    KeyServer server;

    @BeforeAll
    void start() {
        upstream = new FakeOpenAi();
        server = KeyServer.start(new HashMap<>(upstream.providerProperties("openai")));
    }

    @AfterAll
    void stop() {
        server.close();
        upstream.close();
    }

    static String body(String text, boolean stream) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"max_output_tokens\":1000,\"stream\":" + stream
                + ",\"input\":\"" + text + "\"}";
    }

    int upstreamCalls() {
        return upstream.requests.size();
    }

    @Test
    void spendIsReservedAndSettledToTheProvidersUsageStreamedAndNot() throws Exception {
        JsonNode key = key(server, "responder", ",\"usdPerMonth\":1");
        String secret = key.path("key").asText();
        String scope = "key:" + key.path("id").asText();
        HttpResponse<String> once = server.post("/v1/responses", secret, body("hello", false));
        assertEquals(200, once.statusCode(), once.body());
        assertEquals(ACTUAL_CHAT_MICROS, spent(server, scope));
        assertEquals(FakeOpenAi.PROMPT_TOKENS, KeyServer.json(once).at("/usage/input_tokens").asLong());
        assertEquals("openai/gpt-4o-mini", once.headers().firstValue("x-braid-model").orElseThrow());
        double cost = Double.parseDouble(once.headers().firstValue("x-braid-cost-usd").orElseThrow());
        assertEquals(ACTUAL_CHAT_MICROS, Math.round(cost * 1_000_000));

        HttpResponse<String> streamed = server.post("/v1/responses", secret, body("hello again", true));
        assertEquals(200, streamed.statusCode(), streamed.body());
        List<Sse.Frame> frames = Sse.frames(streamed.body());
        assertEquals("response.completed", frames.get(frames.size() - 1).event());
        // settled before response.completed went out
        assertEquals(2 * ACTUAL_CHAT_MICROS, spent(server, scope));
        JsonNode usage = KeyServer.JSON.readTree(frames.get(frames.size() - 1).data()).at("/response/usage");
        assertEquals(FakeOpenAi.PROMPT_TOKENS, usage.path("input_tokens").asLong());
        assertEquals(FakeOpenAi.COMPLETION_TOKENS, usage.path("output_tokens").asLong());
        assertEquals(ACTUAL_CHAT_MICROS, Math.round(usage.path("cost_usd").asDouble() * 1_000_000));
    }

    @Test
    void aKeyWithoutRoomIsRefusedBeforeTheUpstreamStreamedAndNot() throws Exception {
        JsonNode key = key(server, "poor-responder", ",\"usdPerMonth\":0.000001");
        String secret = key.path("key").asText();
        int before = upstreamCalls();
        assertRefused(server.post("/v1/responses", secret, body("hello", false)), "budget_exceeded");
        HttpResponse<String> streamed = server.post("/v1/responses", secret, body("hello", true));
        assertRefused(streamed, "budget_exceeded");
        assertTrue(streamed.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("invalid_request_error", KeyServer.json(streamed).at("/error/type").asText());
        assertEquals(before, upstreamCalls());
        assertEquals(0, spent(server, "key:" + key.path("id").asText()));
    }

    @Test
    void overlappingStreamsAreAdmittedOnlyAsFarAsTheBudgetGoes() throws Exception {
        String body = body("slow: " + "y".repeat(30), true);
        long worst = worstChatMicros(body); // the body size bounds the prompt, max_output_tokens the answer
        long budget = worst * 7 / 2; // room for 3.5 worst cases
        JsonNode key = key(server, "streamer", String.format(Locale.ROOT, ",\"usdPerMonth\":%.6f", budget / 1e6));
        String secret = key.path("key").asText();
        int before = upstreamCalls();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(server.client.sendAsync(HttpRequest.newBuilder(server.base.resolve("/v1/responses"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + secret)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        for (var call : calls) {
            HttpResponse<String> r = call.join();
            if (r.statusCode() == 200) {
                List<Sse.Frame> frames = Sse.frames(r.body());
                assertEquals("response.completed", frames.get(frames.size() - 1).event(), r.body());
                ok++;
            } else {
                assertRefused(r, "budget_exceeded");
            }
        }
        long spent = spent(server, "key:" + key.path("id").asText());
        System.out.printf("responses stream budget: %d of 10 admitted, %d upstream calls, spend %d µUSD of %d%n",
                ok, upstreamCalls() - before, spent, budget);
        assertEquals(3, ok, "a budget for 3.5 worst cases admits 3 overlapping streams");
        assertEquals(3, upstreamCalls() - before);
        assertEquals(3 * ACTUAL_CHAT_MICROS, spent);
    }

    @Test
    void aClientThatLeavesMidStreamAbortsTheUpstreamAndPaysWhatWasProduced() throws Exception {
        JsonNode key = key(server, "leaver", ",\"usdPerMonth\":1");
        String scope = "key:" + key.path("id").asText();
        String body = body("slow: " + "x".repeat(60), true);
        long worst = worstChatMicros(body);
        int aborted = upstream.aborted.get();
        HttpResponse<java.io.InputStream> response = server.client.send(HttpRequest.newBuilder(server.base.resolve("/v1/responses"))
                        .header("Authorization", "Bearer " + key.path("key").asText())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals("event: response.output_text.delta")) {
                    break; // the first piece arrived: hang up
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while ((upstream.aborted.get() == aborted || spent(server, scope) == 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long settled = spent(server, scope);
        System.out.printf("responses client left mid-stream: settled at %d µUSD (worst case %d)%n", settled, worst);
        assertTrue(upstream.aborted.get() > aborted, "the upstream stream was aborted");
        assertTrue(settled > 0 && settled < worst, settled + " of worst " + worst);
    }
}
