package dev.braid.server.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.Http;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Anthropic Messages door through the official anthropic-java SDK, unmodified: create, stream
 * with tool use and {@code input_json_delta}, count tokens, errors mapped to its exception types; on
 * the mock, an OpenAI-compatible upstream (translated to Chat Completions), an alias and a pipeline.
 */
@MicronautTest(environments = "openai")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagesSdkTest implements TestPropertyProvider {

    static final ObjectMapper JSON = new ObjectMapper();

    final FakeOpenAi upstream = new FakeOpenAi();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return upstream.providerProperties("upstream", "models", "fake-gpt");
    }

    @AfterAll
    void stop() {
        upstream.close();
    }

    AnthropicClient client() {
        return AnthropicOkHttpClient.builder().baseUrl(server.getURL().toString()).apiKey("any-key").maxRetries(0).build();
    }

    static Tool weather() {
        return Tool.builder().name("get_weather").description("Weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .addRequired("city").build())
                .build();
    }

    @Test
    void createAnswersInAnthropicsShapeOnEveryKindOfModelName() {
        for (String model : List.of("mock/any", "test-fast", "upstream/fake-gpt", "pipeline/chat-echo")) {
            Message m = client().messages().create(MessageCreateParams.builder().model(model).maxTokens(100)
                    .system("be brief").addUserMessage("hello messages").build());
            assertEquals("hello messages", m.content().get(0).text().orElseThrow().text(), model);
            assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow(), model);
            assertTrue(m.usage().inputTokens() > 0, model);
            assertTrue(m.id().startsWith("msg_"));
            assertEquals(model, m.model().asString());
        }
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertEquals("system", sent.at("/messages/0/role").asText(), "system became a system message: " + sent);
        assertEquals(100, sent.get("max_tokens").asInt());
    }

    @Test
    void aForcedToolCallComesBackAsAToolUseBlock() {
        Message m = client().messages().create(MessageCreateParams.builder().model("mock/any").maxTokens(100)
                .addUserMessage("what to wear? city=Paris").addTool(weather())
                .toolChoice(ToolChoiceTool.builder().name("get_weather").build()).build());
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        ToolUseBlock use = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertEquals("get_weather", use.name());
        assertEquals(JsonValue.from(Map.of("city", "Paris")), use._input());
        // the upstream gets the tool choice translated to OpenAI's
        int before = upstream.requests.size();
        client().messages().create(MessageCreateParams.builder().model("upstream/fake-gpt").maxTokens(100)
                .addUserMessage("what to wear?").addTool(weather())
                .toolChoice(ToolChoiceTool.builder().name("get_weather").build()).build());
        JsonNode sent = upstream.requests.get(before);
        assertEquals("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", sent.get("tool_choice").toString());
        assertEquals("object", sent.at("/tools/0/function/parameters/type").asText(), "input_schema became parameters");
    }

    @Test
    void aStreamWithToolUseSendsInputJsonDeltasTheSdkAccumulates() {
        for (String model : List.of("mock/any", "upstream/fake-gpt")) {
            MessageAccumulator acc = MessageAccumulator.create();
            List<String> partials = new ArrayList<>();
            try (StreamResponse<RawMessageStreamEvent> stream = client().messages().createStreaming(
                    MessageCreateParams.builder().model(model).maxTokens(100)
                            .addUserMessage("get_weather city=Paris").addTool(weather()).build())) {
                stream.stream().forEach(e -> {
                    acc.accumulate(e);
                    e.contentBlockDelta().ifPresent(d -> d.delta().inputJson().ifPresent(j -> partials.add(j.partialJson())));
                });
            }
            Message m = acc.message();
            assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow(), model);
            ToolUseBlock use = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
            assertEquals(JsonValue.from(Map.of("city", "Paris")), use._input(), model);
            assertTrue(partials.size() >= 2, "arguments arrive in pieces: " + partials);
            assertTrue(m.usage().outputTokens() > 0, model);
        }
    }

    @Test
    void aTextStreamEndsWithMessageDeltaUsageWithCostAndTheProvidersCounts() throws Exception {
        HttpResponse<String> r = new Http(server.getURL()).send(new Http(server.getURL()).request("/v1/messages")
                .header("Content-Type", "application/json").header("anthropic-version", "2023-06-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"upstream/fake-gpt\",\"max_tokens\":50,"
                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"abcdefghij\"}]}")));
        assertEquals(200, r.statusCode(), r.body());
        List<String> names = new ArrayList<>();
        JsonNode delta = null;
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("event: ")) {
                names.add(line.substring(7));
            } else if (line.startsWith("data: ")) {
                JsonNode d = JSON.readTree(line.substring(6));
                if ("message_delta".equals(d.path("type").asText())) {
                    delta = d;
                }
                if ("text_delta".equals(d.at("/delta/type").asText())) {
                    text.append(d.at("/delta/text").asText());
                }
            }
        }
        assertEquals("abcdefghij", text.toString());
        assertEquals(List.of("message_start", "content_block_start"), names.subList(0, 2));
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"), names.subList(names.size() - 3, names.size()));
        assertEquals(FakeOpenAi.COMPLETION_TOKENS, delta.at("/usage/output_tokens").asLong(), "the provider's own count");
        assertEquals(FakeOpenAi.PROMPT_TOKENS, delta.at("/usage/input_tokens").asLong());
        assertTrue(delta.at("/usage/cost_usd").isNumber(), delta.toString());
        assertEquals("end_turn", delta.at("/delta/stop_reason").asText());
        assertEquals("upstream/fake-gpt", r.headers().firstValue("x-braid-model").orElseThrow());
    }

    @Test
    void countTokensCountsThePromptWithoutCallingAModel() {
        long small = client().messages().countTokens(MessageCountTokensParams.builder().model("mock/any")
                .addUserMessage("hi").build()).inputTokens();
        long large = client().messages().countTokens(MessageCountTokensParams.builder().model("mock/any")
                .addUserMessage("hi there, this is a much longer prompt with many more words in it").addTool(weather())
                .build()).inputTokens();
        assertTrue(small > 0 && large > small, small + " < " + large);
    }

    @Test
    void errorsAreAnthropicsShapeAndTheSdksExceptionTypes() throws Exception {
        NotFoundException nf = assertThrows(NotFoundException.class, () -> client().messages().create(
                MessageCreateParams.builder().model("nope/x").maxTokens(10).addUserMessage("hi").build()));
        assertEquals(404, nf.statusCode());
        assertThrows(BadRequestException.class, () -> client().messages().create(
                MessageCreateParams.builder().model("mock/any").maxTokens(10).addUserMessage("hi")
                        .putAdditionalBodyProperty("tools", JsonValue.from(List.of(Map.of("type", "web_search_20250305",
                                "name", "web_search")))).build()));
        assertThrows(RateLimitException.class, () -> client().messages().create(
                MessageCreateParams.builder().model("test-strict").maxTokens(10).addUserMessage("hi").build()));
        assertThrows(InternalServerException.class, () -> client().messages().create(
                MessageCreateParams.builder().model("test-down").maxTokens(10).addUserMessage("hi").build()));
        Http http = new Http(server.getURL());
        for (String body : List.of("{", "{\"model\":\"mock/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"mock/x\",\"max_tokens\":5,\"messages\":[]}",
                "{\"model\":\"mock/x\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}",
                "{\"model\":\"mock/x\u0000\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
            HttpResponse<String> r = http.postJson("/v1/messages", body);
            assertEquals(400, r.statusCode(), body + " → " + r.body());
            JsonNode e = JSON.readTree(r.body());
            assertEquals("error", e.path("type").asText(), body + " → " + r.body());
            assertEquals("invalid_request_error", e.at("/error/type").asText(), r.body());
            assertFalse(e.at("/error/message").asText().isBlank());
            assertFalse(r.body().contains("Exception") || r.body().contains("dev.braid"), r.body());
        }
        HttpResponse<String> missing = http.postJson("/v1/messages",
                "{\"model\":\"nope/x\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("not_found_error", JSON.readTree(missing.body()).at("/error/type").asText(), missing.body());
    }

    @Test
    void aMidStreamFailureIsAnErrorEvent() throws Exception {
        HttpResponse<String> r = new Http(server.getURL()).postJson("/v1/messages", "{\"model\":\"test-breaks\",\"max_tokens\":50,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five\"}]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("event: error"), r.body());
        assertTrue(r.body().contains("\"type\":\"api_error\""), r.body());
        assertFalse(r.body().contains("message_stop"), r.body());
    }

    @Test
    void aPipelineRunsAnAgentLoopOverMessages() {
        Message first = client().messages().create(MessageCreateParams.builder().model("pipeline/chat-tools").maxTokens(100)
                .addUserMessage("get_weather city=Oslo").addTool(weather()).build());
        ToolUseBlock use = first.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertEquals("get_weather", use.name());
        Message second = client().messages().create(MessageCreateParams.builder().model("pipeline/chat-tools").maxTokens(100)
                .addUserMessage("get_weather city=Oslo").addTool(weather())
                .addMessage(first)
                .addUserMessageOfContentBlockParams(List.of(com.anthropic.models.messages.ContentBlockParam.ofToolResult(
                        com.anthropic.models.messages.ToolResultBlockParam.builder().toolUseId(use.id()).content("-3C").build())))
                .build());
        assertEquals("get_weather returned: -3C", second.content().get(0).text().orElseThrow().text());
    }
}
