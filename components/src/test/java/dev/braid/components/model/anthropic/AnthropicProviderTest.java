package dev.braid.components.model.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.http.Fixtures;
import dev.braid.components.model.http.HttpLimits;
import dev.braid.components.model.http.LlmSentiment;
import dev.braid.components.model.http.ProviderContractTest;
import dev.braid.components.model.http.ProviderJson;
import dev.braid.components.model.http.WireServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicProviderTest extends ProviderContractTest {

    static final String SSE = "text/event-stream";

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION);
    }

    @Override
    protected ModelProvider provider(String baseUrl, HttpLimits limits) {
        return new AnthropicProvider(new AnthropicSettings("anthropic", baseUrl + "/v1", SECRET, null, 0, limits));
    }

    @Override
    protected String model() {
        return "claude-3-5-haiku-latest";
    }

    static String message(JsonNode content, String stopReason) {
        ObjectNode root = ProviderJson.object().put("id", "msg_1").put("type", "message").put("role", "assistant")
                .put("model", "claude-3-5-haiku-20241022");
        root.set("content", content);
        root.put("stop_reason", stopReason).putNull("stop_sequence");
        root.putObject("usage").put("input_tokens", 10).put("output_tokens", 3);
        return ProviderJson.write(root);
    }

    @Override
    protected String chatAnswer(String text) {
        return message(ProviderJson.MAPPER.createArrayNode().add(ProviderJson.object().put("type", "text").put("text", text)),
                "end_turn");
    }

    @Override
    protected String errorBody(String message) {
        ObjectNode root = ProviderJson.object().put("type", "error");
        root.putObject("error").put("type", "invalid_request_error").put("message", message);
        return ProviderJson.write(root.put("request_id", "req_011CSHoEeqs5C35K2UUqR7Fy"));
    }

    @Override
    protected String[] authHeader() {
        return new String[] {"x-api-key", SECRET};
    }

    @Override
    protected String streamContentType() {
        return SSE;
    }

    static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    static final String START = event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-3-5-haiku-20241022\",\"stop_reason\":null,"
            + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
    static final String TEXT_BLOCK = event("content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");

    static String textDelta(String t) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                + ProviderJson.write(ProviderJson.tree(t)) + "}}");
    }

    @Override
    protected List<String> stream(List<String> texts) {
        List<String> out = new ArrayList<>(List.of(START, TEXT_BLOCK, event("ping", "{\"type\": \"ping\"}")));
        texts.forEach(t -> out.add(textDelta(t)));
        out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        out.add(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                + "\"usage\":{\"output_tokens\":3}}"));
        out.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return out;
    }

    @Override
    protected List<String> truncatedStream(String text) {
        return List.of(START, TEXT_BLOCK, textDelta(text));
    }

    @Override
    protected List<String> streamWithError(String text, String message) {
        return List.of(START, TEXT_BLOCK, textDelta(text),
                event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"" + message + "\"}}"));
    }

    @Override
    protected List<String> answerlessChatBodies() {
        return List.of("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-haiku-20241022\","
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":10,\"output_tokens\":0}}",
                "{\"type\":\"message\",\"content\":null}");
    }

    @Override
    protected List<List<String>> eventlessStreams() {
        return List.of(List.of(event("message_stop", "{\"type\":\"message_stop\"}")),
                List.of(event("ping", "{\"type\": \"ping\"}"), event("message_stop", "{\"type\":\"message_stop\"}")));
    }

    // --- Anthropic wire specifics ---

    @Test
    void sendsSystemTopLevelToolResultsAsUserTurnAndImagesAsSources() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "messages-tool-use-response.json")));
        await(provider().call(richChat(), target()));
        assertEquals("/v1/messages", server.last().uri());
        assertEquals(Fixtures.json(getClass(), "messages-request.json"), server.last().json());
        assertEquals("2023-06-01", server.last().header("anthropic-version"));
        assertEquals(null, server.last().header("authorization"));
    }

    @Test
    void maxTokensDefaultsBecauseAnthropicRequiresIt() {
        server.reply(Reply.json(200, chatAnswer("hi")));
        await(provider().call(hello(), target()));
        assertEquals(AnthropicSettings.DEFAULT_MAX_TOKENS, server.last().json().get("max_tokens").asInt());
        assertFalse(server.last().json().has("system"));
    }

    @Test
    void parsesToolUseWithCacheTokensInThePrompt() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "messages-tool-use-response.json")));
        ModelResponse r = await(provider().call(hello(), target()));
        assertEquals("I'll check the weather.", r.text());
        assertEquals(List.of(new ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}")),
                r.toolCalls());
        assertEquals("tool_calls", r.finishReason());
        assertEquals(480, r.usage().promptTokens());
        assertEquals(89, r.usage().completionTokens());
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "tool_use,tool_calls", "refusal,content_filter"})
    void mapsStopReasons(String stopReason, String finish) {
        server.reply(Reply.json(200, message(ProviderJson.MAPPER.createArrayNode(), stopReason)));
        assertEquals(finish, await(provider().call(hello(), target())).finishReason());
    }

    @Test
    void streamsTextAndToolInputWithUsageFromStartAndLastDelta() {
        server.reply(Reply.stream(SSE, List.of(Fixtures.text(getClass(), "stream-text-and-tool.sse").split("(?<=\n\n)"))));
        ModelResponse r = await(streamHello(provider()));
        assertEquals(List.of(
                new ModelDelta.Text("Let me check"),
                new ModelDelta.Text(" the weather."),
                new ModelDelta.ToolCallFragment(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", ""),
                new ModelDelta.ToolCallFragment(0, null, null, "{\"city\": \"Par"),
                new ModelDelta.ToolCallFragment(0, null, null, "is\"}"),
                new ModelDelta.Finish("tool_calls")), deltas);
        assertEquals("Let me check the weather.", r.text());
        assertEquals(List.of(new ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", "{\"city\": \"Paris\"}")), r.toolCalls());
        // input from message_start (25) + the LAST cumulative output (15): not 1+10+15, not 25+25
        assertEquals(25, r.usage().promptTokens());
        assertEquals(15, r.usage().completionTokens());
        assertEquals(40, r.usage().totalTokens());
        assertEquals("claude-3-5-haiku-20241022", r.model());
        assertTrue(server.last().json().get("stream").asBoolean());
    }

    @Test
    void inputJsonDeltaWithoutItsBlockStartFailsCleanly() {
        server.reply(Reply.stream(SSE, List.of(START, event("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\"}}"))));
        ModelException e = failure(streamHello(provider()));
        assertInstanceOf(ModelException.ProviderError.class, e);
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("without content_block_start"), e.getMessage());
    }

    @Test
    void rateLimitErrorEventIsA429() {
        server.reply(Reply.stream(SSE, List.of(START, event("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}"))));
        ModelException e = failure(streamHello(provider()));
        assertEquals(429, e.status());
        assertTrue(e.retryable());
    }

    @Test
    void sentimentForcesAnAnswerToolAndReadsItsInput() {
        ObjectNode block = ProviderJson.object().put("type", "tool_use").put("id", "toolu_1").put("name", "sentiment");
        block.putObject("input").put("label", "positive").put("score", 0.75);
        server.reply(Reply.json(200, message(ProviderJson.MAPPER.createArrayNode().add(block), "tool_use")));
        ModelResponse r = await(provider().call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("Lovely!")), target()));
        assertEquals("positive", r.fields().get("label"));
        assertEquals(0.75, r.fields().get("score"));
        JsonNode body = server.last().json();
        assertEquals("tool", body.at("/tool_choice/type").asText());
        assertEquals("sentiment", body.at("/tool_choice/name").asText());
        assertEquals("sentiment", body.at("/tools/0/name").asText());
        assertEquals("label", body.at("/tools/0/input_schema/required/0").asText());
        assertEquals(LlmSentiment.INSTRUCTION, body.get("system").asText());
    }

    @Test
    void streamedForcedAnswerArrivesAsText() {
        ModelRequest request = new ModelRequest(ModelTask.CHAT, hello().messages(), null, null,
                LlmSentiment.chatRequest("x").options());
        server.reply(Reply.stream(SSE, List.of(START,
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"sentiment\",\"input\":{}}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"label\\\":\\\"neutral\\\",\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"score\\\":0}\"}}"),
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}"),
                event("message_stop", "{\"type\":\"message_stop\"}"))));
        deltas.clear();
        ModelResponse r = await(provider().stream(request, target(), deltas::add));
        assertEquals("{\"label\":\"neutral\",\"score\":0}", r.text());
        assertEquals(List.of(), r.toolCalls());
        assertEquals("stop", r.finishReason());
        assertEquals(new ModelDelta.Finish("stop"), deltas.get(deltas.size() - 1));
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertFalse(AnthropicSettings.of(SECRET).toString().contains(SECRET));
    }
}
