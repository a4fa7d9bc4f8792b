package dev.braid.components.model.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.http.Fixtures;
import dev.braid.components.model.http.HttpLimits;
import dev.braid.components.model.http.ProviderContractTest;
import dev.braid.components.model.http.ProviderJson;
import dev.braid.components.model.http.WireServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiProviderTest extends ProviderContractTest {

    static final String SSE = "text/event-stream";

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.EMBEDDINGS);
    }

    @Override
    protected ModelProvider provider(String baseUrl, HttpLimits limits) {
        return new GeminiProvider(new GeminiSettings("gemini", baseUrl + "/v1beta", SECRET, limits));
    }

    @Override
    protected String model() {
        return "gemini-2.0-flash";
    }

    static String frame(String text, String finishReason, int completion) {
        ObjectNode root = ProviderJson.object();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        root.putObject("usageMetadata").put("promptTokenCount", 10).put("candidatesTokenCount", completion)
                .put("totalTokenCount", 10 + completion);
        root.put("modelVersion", "gemini-2.0-flash");
        return ProviderJson.write(root);
    }

    @Override
    protected String chatAnswer(String text) {
        return frame(text, "STOP", 3);
    }

    @Override
    protected String errorBody(String message) {
        ObjectNode root = ProviderJson.object();
        root.putObject("error").put("code", 400).put("message", message).put("status", "INVALID_ARGUMENT");
        return ProviderJson.write(root);
    }

    @Override
    protected String[] authHeader() {
        return new String[] {"x-goog-api-key", SECRET};
    }

    @Override
    protected String streamContentType() {
        return SSE;
    }

    @Override
    protected List<String> stream(List<String> texts) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            boolean last = i == texts.size() - 1;
            // cumulative usage on every frame: only the last counts
            out.add("data: " + frame(texts.get(i), last ? "STOP" : null, last ? 3 : 1) + "\r\n\r\n");
        }
        return out;
    }

    @Override
    protected List<String> truncatedStream(String text) {
        return List.of("data: " + frame(text, null, 1) + "\r\n\r\n");
    }

    @Override
    protected List<String> streamWithError(String text, String message) {
        return List.of("data: " + frame(text, null, 1) + "\r\n\r\n",
                "data: {\"error\": {\"code\": 503, \"message\": \"" + message + "\", \"status\": \"UNAVAILABLE\"}}\r\n\r\n");
    }

    @Override
    protected List<String> answerlessChatBodies() {
        return List.of("{\"usageMetadata\":{\"promptTokenCount\":10,\"totalTokenCount\":10},\"modelVersion\":\"gemini-2.0-flash\"}",
                "{\"candidates\":[],\"modelVersion\":\"gemini-2.0-flash\"}");
    }

    @Override
    protected List<List<String>> eventlessStreams() {
        return List.of(List.of("data: {\"usageMetadata\":{\"promptTokenCount\":10},\"modelVersion\":\"gemini-2.0-flash\"}\r\n\r\n"));
    }

    @Override
    protected boolean streamHasTerminator() {
        return false;
    }

    // --- Gemini wire specifics ---

    @Test
    void sendsSystemInstructionModelRoleFunctionResponsesAndImageParts() {
        server.reply(Reply.json(200, chatAnswer("{}")));
        await(provider().call(richChat(), target()));
        assertEquals("/v1beta/models/gemini-2.0-flash:generateContent", server.last().uri());
        assertEquals(Fixtures.json(getClass(), "generate-request.json"), server.last().json());
    }

    @Test
    void parsesFunctionCallsAsToolCalls() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "generate-function-call-response.json")));
        ModelResponse r = await(provider().call(hello(), target()));
        assertEquals(List.of(new ToolCall("call_0", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_1", "get_weather", "{\"city\":\"Rome\"}")), r.toolCalls());
        assertEquals("tool_calls", r.finishReason());
        assertEquals("gemini-2.0-flash-001", r.model());
        assertEquals(31, r.usage().promptTokens());
        assertEquals(12, r.usage().completionTokens());
    }

    @ParameterizedTest
    @CsvSource({"STOP,stop", "MAX_TOKENS,length", "SAFETY,content_filter", "RECITATION,content_filter"})
    void mapsFinishReasons(String wire, String finish) {
        server.reply(Reply.json(200, frame("x", wire, 1)));
        assertEquals(finish, await(provider().call(hello(), target())).finishReason());
    }

    @Test
    void streamsFromTheSseEndpointTakingTheLastCumulativeUsage() {
        server.reply(Reply.stream(SSE, List.of(Fixtures.text(getClass(), "stream-cumulative-usage.sse").split("(?<=\r\n\r\n)"))));
        ModelResponse r = await(streamHello(provider()));
        assertEquals("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", server.last().uri());
        assertEquals(List.of(new ModelDelta.Text("The"), new ModelDelta.Text(" sky is"), new ModelDelta.Text(" blue."),
                new ModelDelta.Finish("stop")), deltas);
        assertEquals("The sky is blue.", r.text());
        assertEquals(8, r.usage().promptTokens());
        assertEquals(5, r.usage().completionTokens()); // not 1+3+5
        assertEquals(13, r.usage().totalTokens());
    }

    @Test
    void streamedFunctionCallIsOneWholeFragment() {
        server.reply(Reply.stream(SSE, List.of("data: " + Fixtures.text(getClass(), "generate-function-call-response.json")
                .replace("\n", "") + "\r\n\r\n")));
        ModelResponse r = await(streamHello(provider()));
        assertEquals(List.of(new ModelDelta.ToolCallFragment(0, "call_0", "get_weather", "{\"city\":\"Paris\"}"),
                new ModelDelta.ToolCallFragment(1, "call_1", "get_weather", "{\"city\":\"Rome\"}"),
                new ModelDelta.Finish("tool_calls")), deltas);
        assertEquals(2, r.toolCalls().size());
    }

    @Test
    void sentimentAsksForAResponseSchemaGeminiAccepts() {
        server.reply(Reply.json(200, chatAnswer("{\"label\": \"neutral\", \"score\": 0.1}")));
        ModelResponse r = await(provider().call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("It is a table.")), target()));
        assertEquals("neutral", r.fields().get("label"));
        JsonNode config = server.last().json().get("generationConfig");
        assertEquals("application/json", config.get("responseMimeType").asText());
        assertEquals("string", config.at("/responseSchema/properties/label/type").asText());
        assertFalse(config.get("responseSchema").has("additionalProperties"), "Gemini rejects additionalProperties");
        assertTrue(server.last().json().has("systemInstruction"));
    }

    @Test
    void embeddingsUseBatchEmbedContents() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "batch-embed-response.json")));
        ModelResponse r = await(provider().call(ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("a", "b")),
                Target.of("gemini", "text-embedding-004")));
        assertEquals("/v1beta/models/text-embedding-004:batchEmbedContents", server.last().uri());
        assertEquals(ProviderJson.tree(Map.of("requests", List.of(
                Map.of("model", "models/text-embedding-004", "content", Map.of("parts", List.of(Map.of("text", "a")))),
                Map.of("model", "models/text-embedding-004", "content", Map.of("parts", List.of(Map.of("text", "b"))))))),
                server.last().json());
        assertEquals(List.of(List.of(0.1, 0.2), List.of(0.3, 0.4)), r.fields().get("embeddings"));
        assertTrue(r.usage().estimated());
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertFalse(GeminiSettings.of(SECRET).toString().contains(SECRET));
    }
}
