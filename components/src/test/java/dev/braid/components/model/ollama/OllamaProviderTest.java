package dev.braid.components.model.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
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

class OllamaProviderTest extends ProviderContractTest {

    static final String NDJSON = "application/x-ndjson";

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.EMBEDDINGS);
    }

    @Override
    protected ModelProvider provider(String baseUrl, HttpLimits limits) {
        return new OllamaProvider(new OllamaSettings("ollama", baseUrl, SECRET, limits));
    }

    @Override
    protected String model() {
        return "llama3.2";
    }

    static String line(String text, boolean done) {
        ObjectNode root = ProviderJson.object().put("model", "llama3.2").put("created_at", "2025-01-01T00:00:00Z");
        root.putObject("message").put("role", "assistant").put("content", text);
        root.put("done", done);
        if (done) {
            root.put("done_reason", "stop").put("prompt_eval_count", 10).put("eval_count", 3);
        }
        return ProviderJson.write(root) + "\n";
    }

    @Override
    protected String chatAnswer(String text) {
        return line(text, true);
    }

    @Override
    protected String errorBody(String message) {
        return ProviderJson.write(ProviderJson.object().put("error", message));
    }

    @Override
    protected String[] authHeader() {
        return new String[] {"authorization", "Bearer " + SECRET};
    }

    @Override
    protected String streamContentType() {
        return NDJSON;
    }

    @Override
    protected List<String> stream(List<String> texts) {
        List<String> out = new ArrayList<>();
        texts.forEach(t -> out.add(line(t, false)));
        out.add(line("", true));
        return out;
    }

    @Override
    protected List<String> truncatedStream(String text) {
        return List.of(line(text, false));
    }

    @Override
    protected List<String> streamWithError(String text, String message) {
        return List.of(line(text, false), "{\"error\":\"" + message + "\"}\n");
    }

    @Override
    protected List<String> answerlessChatBodies() {
        return List.of("{\"model\":\"llama3.2\",\"created_at\":\"2024-01-01T00:00:00Z\",\"done\":true,\"done_reason\":\"stop\"}");
    }

    @Override
    protected List<List<String>> eventlessStreams() {
        return List.of(List.of("{\"model\":\"llama3.2\",\"done\":true,\"done_reason\":\"stop\"}\n"));
    }

    // --- Ollama wire specifics ---

    static ModelRequest richChatWithDataImagesOnly() {
        ModelRequest rich = richChat();
        List<Message> messages = new ArrayList<>(rich.messages());
        messages.set(1, new Message("user", List.of(new ContentPart.Text("What is in this image?"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=")), null, null));
        return new ModelRequest(rich.task(), messages, null, rich.tools(), rich.options());
    }

    @Test
    void sendsTheExactChatBodyWithStreamFalse() {
        server.reply(Reply.json(200, chatAnswer("{}")));
        await(provider().call(richChatWithDataImagesOnly(), target()));
        assertEquals("/api/chat", server.last().uri());
        assertEquals(Fixtures.json(getClass(), "chat-request.json"), server.last().json());
    }

    @Test
    void httpsImagesAreRefusedBeforeAnyCall() {
        ModelException e = failure(provider().call(richChat(), target()));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("data: URLs"), e.getMessage());
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void parsesToolCallsWithObjectArguments() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "chat-tool-call-response.json")));
        ModelResponse r = await(provider().call(hello(), target()));
        assertEquals(List.of(new ToolCall("call_0", "get_weather", "{\"city\":\"Tokyo\"}")), r.toolCalls());
        assertEquals("tool_calls", r.finishReason());
        assertEquals(122, r.usage().promptTokens());
        assertEquals(33, r.usage().completionTokens());
    }

    @Test
    void streamsNdjsonTakingCountsFromTheDoneLine() {
        server.reply(Reply.stream(NDJSON, List.of(Fixtures.text(getClass(), "chat-stream.ndjson").split("(?<=\n)"))));
        ModelResponse r = await(streamHello(provider()));
        assertEquals(List.of(new ModelDelta.Text("The"), new ModelDelta.Text(" sky"), new ModelDelta.Finish("length")), deltas);
        assertEquals(26, r.usage().promptTokens());
        assertEquals(282, r.usage().completionTokens());
        assertTrue(server.last().json().get("stream").asBoolean());
    }

    @Test
    void sentimentSendsTheSchemaAsFormat() {
        server.reply(Reply.json(200, chatAnswer("{\"label\":\"positive\",\"score\":0.6}")));
        ModelResponse r = await(provider().call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("nice")), target()));
        assertEquals("positive", r.fields().get("label"));
        assertEquals("object", server.last().json().at("/format/type").asText());
        assertEquals(0.0, server.last().json().at("/options/temperature").asDouble());
    }

    @Test
    void embeddingsUseApiEmbed() {
        server.reply(Reply.json(200, "{\"model\":\"all-minilm\",\"embeddings\":[[0.01,-0.02],[0.03,0.04]],\"prompt_eval_count\":4}"));
        ModelResponse r = await(provider().call(ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("a", "b")),
                Target.of("ollama", "all-minilm")));
        assertEquals("/api/embed", server.last().uri());
        assertEquals(ProviderJson.tree(Map.of("model", "all-minilm", "input", List.of("a", "b"))), server.last().json());
        assertEquals(List.of(List.of(0.01, -0.02), List.of(0.03, 0.04)), r.fields().get("embeddings"));
        assertEquals(4, r.usage().promptTokens());
    }

    @Test
    void noKeyMeansNoAuthHeader() {
        server.reply(Reply.json(200, chatAnswer("hi")));
        await(new OllamaProvider(OllamaSettings.of(server.baseUrl())).call(hello(), target()));
        assertEquals(null, server.last().header("authorization"));
        assertFalse(OllamaSettings.of("http://x").toString().contains("null"));
    }
}
