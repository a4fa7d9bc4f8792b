package dev.braid.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.braid.server.FakeOpenAi;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Braid in front of a real OpenAI-speaking server, through the real {@code openai} adapter
 * configured as {@code braid.providers.upstream}: the caller gets the upstream's own usage numbers
 * (streamed ones from a vLLM-style {@code choices: null} chunk), its tool-call deltas, and, behind
 * a mask step, the originals restored across chunks that split the placeholder.
 */
@MicronautTest(environments = "openai")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamPassthroughTest implements TestPropertyProvider {

    static final ObjectMapper JSON = new ObjectMapper();

    final FakeOpenAi upstream = new FakeOpenAi();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = upstream.providerProperties("upstream", "models", "fake-gpt",
                "reasoning-parameters", "true");
        // an account without quota first, a working model second
        p.put("braid.models.aliases.spent-first.targets[0].provider", "upstream");
        p.put("braid.models.aliases.spent-first.targets[0].model", "fail-quota");
        p.put("braid.models.aliases.spent-first.targets[1].provider", "upstream");
        p.put("braid.models.aliases.spent-first.targets[1].model", "fake-gpt");
        p.put("braid.models.aliases.spent-first.retries", "2");
        // an upstream answering 200 with nothing first
        p.put("braid.models.aliases.empty-first.targets[0].provider", "upstream");
        p.put("braid.models.aliases.empty-first.targets[0].model", "fail-empty");
        p.put("braid.models.aliases.empty-first.targets[1].provider", "upstream");
        p.put("braid.models.aliases.empty-first.targets[1].model", "fake-gpt");
        return p;
    }

    @AfterAll
    void stop() {
        upstream.close();
    }

    OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(server.getURL() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @Test
    void theUpstreamsUsageIsTheCallersUsage() {
        ChatCompletion completion = client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("upstream/fake-gpt").addUserMessage("hello upstream").build());
        assertEquals("hello upstream", completion.choices().get(0).message().content().orElseThrow());
        CompletionUsage usage = completion.usage().orElseThrow();
        assertEquals(FakeOpenAi.PROMPT_TOKENS, usage.promptTokens());
        assertEquals(FakeOpenAi.COMPLETION_TOKENS, usage.completionTokens());
        assertEquals(FakeOpenAi.PROMPT_TOKENS + FakeOpenAi.COMPLETION_TOKENS, usage.totalTokens());
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertEquals("fake-gpt", sent.get("model").asText(), "the provider prefix is Braid's, not the upstream's");
    }

    @Test
    void aReasoningModelGetsMaxCompletionTokensAndNoTemperatureWhenTheProviderIsConfiguredForThem() {
        client().chat().completions().create(ChatCompletionCreateParams.builder().model("upstream/o3-mini")
                .addUserMessage("think").maxCompletionTokens(64).temperature(0.3).build());
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertEquals("o3-mini", sent.get("model").asText());
        assertEquals(64, sent.path("max_completion_tokens").asInt(), sent.toString());
        assertFalse(sent.has("max_tokens") || sent.has("temperature"), sent.toString());
        client().chat().completions().create(ChatCompletionCreateParams.builder().model("upstream/fake-gpt")
                .addUserMessage("chat").maxCompletionTokens(64).temperature(0.3).build());
        JsonNode chat = upstream.requests.get(upstream.requests.size() - 1);
        // a chat model gets the caller's spelling as sent (issue 16: fields reach the upstream byte-equal)
        assertEquals(64, chat.path("max_completion_tokens").asInt(), chat.toString());
        assertFalse(chat.has("max_tokens"), chat.toString());
        assertEquals(0.3, chat.path("temperature").asDouble(), 1e-9);
    }

    @Test
    void aStreamPassesTheUpstreamsDeltasAndItsExactUsage() {
        StringBuilder text = new StringBuilder();
        List<CompletionUsage> usages = new ArrayList<>();
        int[] contentChunks = {0};
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("upstream/fake-gpt").addUserMessage("abcdefghij")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.usage().ifPresent(usages::add);
                chunk.choices().forEach(c -> c.delta().content().filter(s -> !s.isEmpty()).ifPresent(s -> {
                    contentChunks[0]++;
                    text.append(s);
                }));
            });
        }
        assertEquals("abcdefghij", text.toString());
        assertEquals(4, contentChunks[0], "the upstream's 3-character pieces, one chunk each");
        assertEquals(1, usages.size(), "usage once, on the last chunk");
        assertEquals(FakeOpenAi.PROMPT_TOKENS, usages.get(0).promptTokens());
        assertEquals(FakeOpenAi.COMPLETION_TOKENS, usages.get(0).completionTokens());
        assertEquals(FakeOpenAi.PROMPT_TOKENS + FakeOpenAi.COMPLETION_TOKENS, usages.get(0).totalTokens());
    }

    @Test
    void toolCallDeltasKeepOpenAisShape() throws Exception {
        String body = """
                {"model":"upstream/fake-gpt","stream":true,
                 "messages":[{"role":"user","content":"weather in Paris?"}],
                 "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
                """;
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> calls = new ArrayList<>();
        String finish = null;
        for (JsonNode chunk : ChatWireTest.chunks(Sse.frames(response.body()))) {
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.path("delta").has("tool_calls")) {
                calls.add(choice.path("delta").path("tool_calls").get(0));
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals(2, calls.size(), response.body());
        JsonNode first = calls.get(0);
        assertEquals(0, first.get("index").asInt());
        assertEquals("call_up_1", first.get("id").asText());
        assertEquals("function", first.get("type").asText());
        assertEquals("weather", first.at("/function/name").asText());
        assertEquals("{\"city\":", first.at("/function/arguments").asText());
        JsonNode second = calls.get(1);
        assertFalse(second.has("id") || second.has("type") || second.get("function").has("name"),
                "later fragments carry only arguments: " + second);
        assertEquals("\"Paris\"}", second.at("/function/arguments").asText());
        assertEquals("tool_calls", finish);
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertEquals("weather", sent.at("/tools/0/function/name").asText(), "tools reach the upstream");
    }

    @Test
    void aToolCallAnswerHasNullContentAndTheCalls() throws Exception {
        String body = """
                {"model":"upstream/fake-gpt","messages":[{"role":"user","content":"weather in Paris?"}],
                 "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}]}
                """;
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode choice = JSON.readTree(response.body()).at("/choices/0");
        assertTrue(choice.at("/message/content").isNull(), response.body());
        assertEquals(JSON.readTree("[{\"id\":\"call_up_2\",\"type\":\"function\","
                + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]"),
                choice.at("/message/tool_calls"));
        assertEquals("tool_calls", choice.get("finish_reason").asText());
    }

    @Test
    void embeddingsPassTheUpstreamsVectorsAndUsage() {
        CreateEmbeddingResponse response = client().embeddings().create(EmbeddingCreateParams.builder()
                .model("upstream/text-embedding-3-small").inputOfArrayOfStrings(List.of("a", "b")).build());
        assertEquals(2, response.data().size());
        assertEquals(List.of(1.25f, -0.5f, 0.125f), response.data().get(1).embedding());
        assertEquals(FakeOpenAi.EMBEDDING_TOKENS, response.usage().promptTokens());
    }

    @Test
    void aPlaceholderSplitAcrossChunksIsRestoredInTheStream() throws Exception {
        String original = "Reply to ann.lee@example.org now";
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/pipelines/masked-upstream/invoke"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"stream\":true,\"input\":{\"text\":\"" + original + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertEquals("Reply to <EMAIL_1> now", sent.at("/messages/0/content").asText(),
                "the upstream sees the placeholder only");
        StringBuilder text = new StringBuilder();
        int deltas = 0;
        for (Sse.Frame f : Sse.frames(response.body())) {
            if ("delta".equals(f.event())) {
                deltas++;
                text.append(JSON.readTree(f.data()).get("text").asText());
            }
        }
        // "<EMAIL_1>" arrived as "o <", "EMA", "IL_", "1> " (3-character pieces): held back, then restored whole
        assertEquals(original, text.toString());
        assertTrue(deltas >= 4, "still streamed in pieces: " + deltas);
        assertFalse(response.body().contains("EMA"), response.body());
    }

    @Test
    void aClientThatLeavesMidStreamAbortsTheUpstreamCall() throws Exception {
        leaveMidStream("/v1/chat/completions", "{\"model\":\"upstream/fake-gpt\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"slow: " + "x".repeat(120) + "\"}]}", "\"content\":\"slo");
    }

    @Test
    void aClientThatLeavesAStreamingInvokeAbortsTheUpstreamCallToo() throws Exception {
        leaveMidStream("/v1/pipelines/masked-upstream/invoke",
                "{\"stream\":true,\"input\":{\"text\":\"slow: " + "x".repeat(120) + "\"}}", "\"text\":\"slo");
    }

    /** Reads until the first content arrives, hangs up, and expects Braid to hang up on the upstream. */
    private void leaveMidStream(String path, String body, String firstContent) throws Exception {
        int abortedBefore = upstream.aborted.get();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.getURL() + path))
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
        reader.close(); // the caller goes away; ~40 pieces 150 ms apart are still to come upstream
        // wide (a loaded machine is slow to notice), yet well before the upstream's 6 s answer would end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (upstream.aborted.get() == abortedBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(abortedBefore + 1, upstream.aborted.get(),
                "Braid hung up on the upstream well before its 6 s answer ended");
    }

    @Test
    void anUpstreamAccountWithoutQuotaIsNotRetriedButTheNextTargetAnswers() {
        int before = upstream.requests.size();
        ChatCompletion completion = client().chat().completions().create(
                ChatCompletionCreateParams.builder().model("spent-first").addUserMessage("hello fallback").build());
        assertEquals("hello fallback", completion.choices().get(0).message().content().orElseThrow());
        List<String> models = upstream.requests.subList(before, upstream.requests.size()).stream()
                .map(r -> r.path("model").asText()).toList();
        assertEquals(List.of("fail-quota", "fake-gpt"), models, "retries: 2, but a spent account answers the same every time");
    }

    @Test
    void anEmpty200FromTheFirstTargetFallsBackAndTheSecondAnswers() throws Exception {
        int before = upstream.requests.size();
        HttpResponse<String> response = post("{\"model\":\"empty-first\",\"messages\":[{\"role\":\"user\",\"content\":\"hello empty\"}]}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("hello empty", JSON.readTree(response.body()).at("/choices/0/message/content").asText(), response.body());
        List<String> models = upstream.requests.subList(before, upstream.requests.size()).stream()
                .map(r -> r.path("model").asText()).toList();
        assertEquals("fail-empty", models.get(0));
        assertEquals("fake-gpt", models.get(models.size() - 1));
    }

    @Test
    void anEmpty200FromTheOnlyTargetIsA502() throws Exception {
        HttpResponse<String> response = post("{\"model\":\"upstream/fail-empty\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(502, response.statusCode(), response.body());
        assertEquals("provider_error", JSON.readTree(response.body()).at("/error/code").asText(), response.body());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUpstreamAccountWithoutQuotaIsA502WithoutRetryAfter() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"upstream/fail-quota\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, response.statusCode(), response.body());
        assertEquals("provider_quota_exhausted", JSON.readTree(response.body()).at("/error/code").asText(), response.body());
        assertTrue(response.headers().firstValue("retry-after").isEmpty(), "waiting does not pay the bill");
    }

    @Test
    void theConfiguredProviderIsListedAndItsKeyIsNowhere() throws Exception {
        List<String> ids = client().models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.contains("upstream/fake-gpt"), "listed from braid.providers.upstream.models: " + ids);
        HttpResponse<String> models = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(models.body().contains(FakeOpenAi.KEY));
    }
}
