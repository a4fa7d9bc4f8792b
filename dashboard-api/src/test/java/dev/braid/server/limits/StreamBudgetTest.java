package dev.braid.server.limits;

import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.openai.Sse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Budgets and token quotas on every paid path, over real HTTP against a fake OpenAI server behind
 * the real {@code openai} adapter (provider {@code openai}, so gpt-4o-mini and text-embedding-3-small
 * are priced): streamed chat and invoke settle to the provider's usage when they end, a stream the
 * client leaves settles to what was produced, streamed tokens count toward {@code tokensPerDay},
 * embeddings and {@code pipeline/<name>} chat are reserved under the key's and the pipeline's budget.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class StreamBudgetTest {

    public static final String PIPELINE = """
            apiVersion: braid/v1
            kind: Pipeline
            name: %s
            input:
              required: [messages]
              properties:
                messages: { type: array }
            stream: reply
            steps:
              - id: reply
                model:
                  task: chat
                  targets: [{ provider: openai, model: gpt-4o-mini }]
                  messages: "{{input.messages}}"
                  maxTokens: 1000
            """;
    /** What the fake bills for every chat answer: 1234 prompt and 56 completion tokens of gpt-4o-mini. */
    public static final long ACTUAL_CHAT_MICROS = SpendLedger.micros(
            (FakeOpenAi.PROMPT_TOKENS * 0.15 + FakeOpenAi.COMPLETION_TOKENS * 0.60) / 1_000_000.0);
    public static final long CHAT_TOKENS = FakeOpenAi.PROMPT_TOKENS + FakeOpenAi.COMPLETION_TOKENS;

    public FakeOpenAi upstream;
    public KeyServer server;

    public static Map<String, Object> providerProperties(FakeOpenAi upstream) {
        return new HashMap<>(upstream.providerProperties("openai"));
    }

    @BeforeAll
    public void start() throws Exception {
        upstream = new FakeOpenAi();
        Map<String, Object> p = providerProperties(upstream);
        p.put("braid.budgets.pipelines.paid-chat", "1");
        p.put("braid.budgets.pipelines.poor-chat", "0.000001");
        server = KeyServer.start(p);
        for (String name : List.of("paid-chat", "poor-chat")) {
            HttpResponse<String> r = server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN,
                    "application/yaml", PIPELINE.formatted(name));
            assertEquals(201, r.statusCode(), r.body());
        }
    }

    @AfterAll
    public void stop() {
        server.close();
        upstream.close();
    }

    /** A streamed chat body for gpt-4o-mini at max_tokens 1000. */
    public static String streamedChat(String model, String text) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":1000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    /** The worst case the server reserves for a gpt-4o-mini chat body at max_tokens 1000. */
    public static long worstChatMicros(String body) {
        return SpendLedger.micros((((long) body.length() / 2 + 16) * 0.15 + 1000 * 0.60) / 1_000_000.0);
    }

    public static JsonNode key(KeyServer server, String name, String limits) throws Exception {
        return server.createKey("{\"name\":\"" + name + "\",\"role\":\"invoker\"" + limits + "}");
    }

    public static long spent(KeyServer server, String scope) {
        return server.bean(SpendLedger.class).spentMicros(scope).toCompletableFuture().join();
    }

    public static void assertRefused(HttpResponse<String> r, String code) {
        assertEquals(429, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"code\":\"" + code + "\""), r.body());
        assertTrue(r.headers().firstValue("Retry-After").isPresent(), "Retry-After on " + r.body());
    }

    /** A complete streamed chat answer: its frames end with [DONE]. */
    public static void assertStreamedToTheEnd(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        List<Sse.Frame> frames = Sse.frames(r.body());
        assertEquals("[DONE]", frames.get(frames.size() - 1).data(), r.body());
    }

    public int upstreamStreams() {
        return (int) upstream.requests.stream().filter(b -> b.path("stream").asBoolean()).count();
    }

    public int upstreamEmbeddings() {
        return (int) upstream.requests.stream().filter(b -> b.has("input")).count();
    }

    @Test
    public void fiftyConcurrentStreamsAtABudgetForFiveReachTheUpstreamFiveTimesAndSettleToTheirUsage() throws Exception {
        // 12 pieces 150 ms apart: every stream is still running when the last of the 50 is admitted or refused
        String body = streamedChat("openai/gpt-4o-mini", "slow: " + "y".repeat(30));
        long worst = worstChatMicros(body);
        assertTrue(ACTUAL_CHAT_MICROS < worst, ACTUAL_CHAT_MICROS + " < " + worst);
        long budget = worst * 11 / 2; // room for 5.5 worst cases
        JsonNode key = key(server, "streamer", String.format(Locale.ROOT, ",\"usdPerMonth\":%.6f", budget / 1e6));
        String secret = key.path("key").asText();
        int before = upstreamStreams();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(server.client.sendAsync(HttpRequest.newBuilder(server.base.resolve("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + secret)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int refused = 0;
        for (var call : calls) {
            HttpResponse<String> r = call.join();
            if (r.statusCode() == 200) {
                assertStreamedToTheEnd(r);
                ok++;
            } else {
                assertRefused(r, "budget_exceeded");
                refused++;
            }
        }
        long spent = spent(server, "key:" + key.path("id").asText());
        int reached = upstreamStreams() - before;
        System.out.printf("stream budget: %d upstream streams, %d answered, %d refused; spend %d µUSD of %d "
                + "(worst case %d, actual %d per call)%n", reached, ok, refused, spent, budget, worst, ACTUAL_CHAT_MICROS);
        assertEquals(5, ok, "a budget for 5.5 worst cases admits 5 overlapping streams");
        assertEquals(5, reached);
        assertTrue(spent <= budget, spent + " of " + budget);
        // every stream ended: the ledger holds what the provider reported, not the worst cases
        assertEquals(5 * ACTUAL_CHAT_MICROS, spent);

        // so the budget still has room for more: with the reservations kept, 5 × worst would leave less than one
        assertTrue(budget - 5 * worst < worst && budget - spent >= worst);
        assertStreamedToTheEnd(server.post("/v1/chat/completions", secret, body));
        assertEquals(6 * ACTUAL_CHAT_MICROS, spent(server, "key:" + key.path("id").asText()));
    }

    @Test
    public void aClientThatLeavesMidStreamIsChargedWhatWasProducedNeverZeroNeverTheWorstCase() throws Exception {
        JsonNode key = key(server, "leaver", ",\"usdPerMonth\":1");
        String scope = "key:" + key.path("id").asText();
        String body = streamedChat("openai/gpt-4o-mini", "slow: " + "x".repeat(60));
        long worst = worstChatMicros(body);
        leaveAfterFirstContent("/v1/chat/completions", key.path("key").asText(), body, "\"content\":\"slo");
        long settled = awaitSettled(scope, worst);
        System.out.printf("client left mid-stream: settled at %d µUSD (worst case %d)%n", settled, worst);
        assertTrue(settled > 0 && settled < worst, settled + " of worst " + worst);

        // the same through a streamed invoke of a pipeline (its stream step's tokens so far)
        JsonNode invoker = key(server, "invoke-leaver", ",\"usdPerMonth\":1");
        String invokeScope = "key:" + invoker.path("id").asText();
        leaveAfterFirstContent("/v1/pipelines/paid-chat/invoke", invoker.path("key").asText(),
                "{\"stream\":true,\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"slow: " + "x".repeat(60) + "\"}]}}",
                "\"text\":\"slo");
        long invokeSettled = awaitSettled(invokeScope, Long.MAX_VALUE);
        assertTrue(invokeSettled > 0 && invokeSettled < 1000 * 0.60, "settled " + invokeSettled);
    }

    /** Reads a stream until {@code firstContent}, then hangs up. */
    private void leaveAfterFirstContent(String path, String secret, String body, String firstContent) throws Exception {
        HttpResponse<InputStream> response = server.client.send(HttpRequest.newBuilder(server.base.resolve(path))
                        .header("Authorization", "Bearer " + secret)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null && !line.contains(firstContent)) {
            // until the first content
        }
        assertTrue(line != null, "content arrived");
        reader.close();
    }

    /**
     * Waits (up to 10 s) for the reservation under {@code scope} to be settled: the spend leaves the
     * worst case reserved (for the chat) or the pipeline's worst case (any value below 600 µUSD).
     */
    private long awaitSettled(String scope, long worst) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        long spent = spent(server, scope);
        while ((spent == 0 || spent >= Math.min(worst, 600)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            spent = spent(server, scope);
        }
        return spent;
    }

    @Test
    public void streamedTokensCountTowardTheDailyQuota() throws Exception {
        // chat: one streamed answer uses 1290 tokens of a 1000-token day
        String chatKey = key(server, "stream-quota", ",\"tokensPerDay\":1000").path("key").asText();
        assertStreamedToTheEnd(server.post("/v1/chat/completions", chatKey, streamedChat("openai/gpt-4o-mini", "hi")));
        assertRefused(server.post("/v1/chat/completions", chatKey, streamedChat("openai/gpt-4o-mini", "hi")),
                "token_quota_exceeded");

        // invoke with stream: true
        String invokeKey = key(server, "invoke-quota", ",\"tokensPerDay\":1000").path("key").asText();
        String invoke = "{\"stream\":true,\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
        HttpResponse<String> first = server.post("/v1/pipelines/paid-chat/invoke", invokeKey, invoke);
        assertEquals(200, first.statusCode(), first.body());
        List<Sse.Frame> frames = Sse.frames(first.body());
        JsonNode done = KeyServer.JSON.readTree(frames.get(frames.size() - 1).data());
        assertEquals(CHAT_TOKENS, done.path("usage").path("totalTokens").asLong(), first.body());
        assertRefused(server.post("/v1/pipelines/paid-chat/invoke", invokeKey, invoke), "token_quota_exceeded");

        // pipeline/<name> streamed on the chat API
        String pipeKey = key(server, "pipe-quota", ",\"tokensPerDay\":1000").path("key").asText();
        assertStreamedToTheEnd(server.post("/v1/chat/completions", pipeKey, streamedChat("pipeline/paid-chat", "hi")));
        assertRefused(server.post("/v1/chat/completions", pipeKey, streamedChat("pipeline/paid-chat", "hi")),
                "token_quota_exceeded");

        // embeddings: 77 tokens a call, 100 a day: the third call is refused
        String embedKey = key(server, "embed-quota", ",\"tokensPerDay\":100").path("key").asText();
        String embed = "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"hello\"}";
        assertEquals(200, server.post("/v1/embeddings", embedKey, embed).statusCode());
        assertEquals(200, server.post("/v1/embeddings", embedKey, embed).statusCode());
        assertRefused(server.post("/v1/embeddings", embedKey, embed), "token_quota_exceeded");
    }

    @Test
    public void embeddingsAreReservedUnderTheKeysBudgetAndSettleToTheirUsage() throws Exception {
        int before = upstreamEmbeddings();
        // 1000 characters: 516 tokens at 0.02 USD per million are 10 µUSD, more than this key's 1 µUSD
        String poor = key(server, "poor-embedder", ",\"usdPerMonth\":0.000001").path("key").asText();
        assertRefused(server.post("/v1/embeddings", poor,
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"" + "x".repeat(1000) + "\"]}"), "budget_exceeded");
        assertEquals(before, upstreamEmbeddings(), "refused before the provider");

        JsonNode rich = key(server, "embedder", ",\"usdPerMonth\":1");
        HttpResponse<String> r = server.post("/v1/embeddings", rich.path("key").asText(),
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"" + "x".repeat(1000) + "\"]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(SpendLedger.micros(FakeOpenAi.EMBEDDING_TOKENS * 0.02 / 1_000_000.0),
                spent(server, "key:" + rich.path("id").asText()), "settled to the 77 tokens the provider billed");
    }

    @Test
    public void pipelineChatIsReservedUnderTheKeyAndThePipelineBudget() throws Exception {
        int before = upstream.requests.size();
        // the pipeline's own budget (1 µUSD) cannot fit one call, whoever calls
        String ample = key(server, "ample", ",\"usdPerMonth\":1").path("key").asText();
        HttpResponse<String> capped = server.post("/v1/chat/completions", ample,
                "{\"model\":\"pipeline/poor-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertRefused(capped, "budget_exceeded");
        assertTrue(capped.body().contains("pipeline poor-chat") || capped.body().contains("key or pipeline"), capped.body());
        // the key's budget cannot fit one call of a pipeline with room
        String poor = key(server, "poor-piper", ",\"usdPerMonth\":0.000001").path("key").asText();
        assertRefused(server.post("/v1/chat/completions", poor,
                "{\"model\":\"pipeline/paid-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "budget_exceeded");
        assertRefused(server.post("/v1/chat/completions", poor, streamedChat("pipeline/paid-chat", "hi")), "budget_exceeded");
        assertEquals(before, upstream.requests.size(), "refused before the provider");

        // an answered call settles both budgets to the pipeline's usage; a streamed one too
        JsonNode key = key(server, "piper", ",\"usdPerMonth\":1");
        long pipelineBefore = spent(server, "pipeline:paid-chat");
        HttpResponse<String> r = server.post("/v1/chat/completions", key.path("key").asText(),
                "{\"model\":\"pipeline/paid-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(ACTUAL_CHAT_MICROS, spent(server, "key:" + key.path("id").asText()));
        assertStreamedToTheEnd(server.post("/v1/chat/completions", key.path("key").asText(),
                streamedChat("pipeline/paid-chat", "hi")));
        assertEquals(2 * ACTUAL_CHAT_MICROS, spent(server, "key:" + key.path("id").asText()));
        assertEquals(pipelineBefore + 2 * ACTUAL_CHAT_MICROS, spent(server, "pipeline:paid-chat"));
    }
}
