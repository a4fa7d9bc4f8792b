package dev.braid.components.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.model.http.Fixtures;
import dev.braid.components.model.http.HttpLimits;
import dev.braid.components.model.http.ProviderContractTest;
import dev.braid.components.model.http.ProviderJson;
import dev.braid.components.model.http.WireServer.Reply;
import dev.braid.components.model.http.WireServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest extends ProviderContractTest {

    static final String SSE = "text/event-stream";

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION,
                Capability.EMBEDDINGS, Capability.MODERATION);
    }

    @Override
    protected ModelProvider provider(String baseUrl, HttpLimits limits) {
        return new OpenAiProvider(new OpenAiSettings("openai", baseUrl + "/v1", SECRET, limits));
    }

    @Override
    protected String model() {
        return "gpt-4o-mini";
    }

    private final OpenAiProviderTestBodies bodies = new OpenAiProviderTestBodies();

    @Override
    protected String chatAnswer(String text) {
        return bodies.chatAnswer(text);
    }

    @Override
    protected String errorBody(String message) {
        return bodies.errorBody(message);
    }

    @Override
    protected String[] authHeader() {
        return new String[] {"authorization", "Bearer " + SECRET};
    }

    @Override
    protected String streamContentType() {
        return SSE;
    }

    static String chunk(String deltaJson, String finish) {
        return OpenAiProviderTestBodies.chunk(deltaJson, finish);
    }

    @Override
    protected List<String> stream(List<String> texts) {
        return bodies.stream(texts);
    }

    @Override
    protected List<String> truncatedStream(String text) {
        return bodies.truncatedStream(text);
    }

    @Override
    protected List<String> streamWithError(String text, String message) {
        return bodies.streamWithError(text, message);
    }

    @Override
    protected List<String> answerlessChatBodies() {
        return bodies.answerlessChatBodies();
    }

    @Override
    protected List<List<String>> eventlessStreams() {
        return bodies.eventlessStreams();
    }

    // --- OpenAI wire specifics ---

    @Test
    void sendsTheExactChatCompletionsBody() {
        server.reply(Reply.json(200, chatAnswer("ok")));
        await(provider().call(richChat(), target()));
        assertEquals("/v1/chat/completions", server.last().uri());
        assertEquals(Fixtures.json(getClass(), "chat-request.json"), server.last().json());
        assertTrue(server.last().header("content-type").startsWith("application/json"));
    }

    @Test
    void parsesToolCallsAndTheirFinishReason() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "chat-tool-calls-response.json")));
        ModelResponse r = await(provider().call(richChat(), target()));
        assertEquals(List.of(new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_b", "get_weather", "{\"city\":\"Rome\"}")), r.toolCalls());
        assertEquals("tool_calls", r.finishReason());
        assertEquals("gpt-4o-mini-2024-07-18", r.model());
        assertEquals(82, r.usage().promptTokens());
        assertEquals(17, r.usage().completionTokens());
    }

    @Test
    void streamingAlwaysAsksForUsage() {
        server.reply(Reply.stream(SSE, stream(List.of("a"))));
        await(streamHello(provider()));
        ObjectNode expected = (ObjectNode) ProviderJson.MAPPER.createObjectNode();
        expected.put("model", "gpt-4o-mini");
        expected.putArray("messages").addObject().put("role", "user").put("content", "Hello");
        expected.put("stream", true);
        expected.putObject("stream_options").put("include_usage", true);
        assertEquals(expected, server.last().json());
    }

    @Test
    void streamsToolCallFragmentsInOrder() {
        server.reply(Reply.stream(SSE, List.of(Fixtures.text(getClass(), "stream-tool-calls.sse").split("(?<=\n\n)"))));
        ModelResponse r = await(streamHello(provider()));
        assertEquals(List.of(
                new ModelDelta.ToolCallFragment(0, "call_a", "get_weather", ""),
                new ModelDelta.ToolCallFragment(0, null, null, "{\"city\":"),
                new ModelDelta.ToolCallFragment(0, null, null, "\"Paris\"}"),
                new ModelDelta.ToolCallFragment(1, "call_b", "get_time", "{}"),
                new ModelDelta.Finish("tool_calls")), deltas);
        assertEquals(List.of(new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_b", "get_time", "{}")), r.toolCalls());
        assertEquals(40, r.usage().promptTokens());
        assertEquals(12, r.usage().completionTokens());
    }

    @Test
    void acceptsNullChoicesUsageOnContentChunksAndCrlf() {
        // vLLM-style: choices null on the usage chunk, usage repeated on chunks with choices: the last wins, never summed
        server.reply(Reply.stream(SSE, List.of(Fixtures.text(getClass(), "stream-vllm-crlf.sse"))));
        ModelResponse r = await(streamHello(provider()));
        assertEquals(List.of(new ModelDelta.Text("Hi"), new ModelDelta.Text("!"), new ModelDelta.Finish("stop")), deltas);
        assertEquals("llama", r.model());
        assertEquals(5, r.usage().promptTokens());
        assertEquals(2, r.usage().completionTokens());
        assertEquals(7, r.usage().totalTokens());
    }

    @Test
    void streamWithoutUsageIsEstimated() {
        server.reply(Reply.stream(SSE, List.of(chunk("{\"content\":\"Hello there friend\"}", "stop"), "data: [DONE]\n\n")));
        ModelResponse r = await(streamHello(provider()));
        assertTrue(r.usage().estimated());
        assertTrue(r.usage().completionTokens() > 0);
        assertTrue(r.usage().promptTokens() > 0);
    }

    @Test
    void aServerRefusingStreamOptionsIsAskedAgainWithoutThemAndNeverWithThemAfter() {
        // Groq's answer to stream_options (PEERS.md, Portkey #1072): a 400 naming the field
        server.reply(Reply.json(400, "{\"error\":{\"message\":\"'stream_options' : property 'stream_options' is "
                + "unsupported\",\"type\":\"invalid_request_error\"}}"));
        server.reply(Reply.stream(SSE, List.of(chunk("{\"content\":\"Hello there friend\"}", "stop"), "data: [DONE]\n\n")));
        ModelProvider provider = provider();
        ModelResponse r = await(streamHello(provider));
        assertEquals("Hello there friend", r.text());
        assertTrue(r.usage().estimated(), "no usage without stream_options: estimated");
        List<WireServer.Recorded> seen = server.requests();
        assertEquals(2, seen.size());
        assertTrue(seen.get(0).json().has("stream_options"));
        assertFalse(seen.get(1).json().has("stream_options"));
        assertTrue(seen.get(1).json().path("stream").asBoolean());

        await(streamHello(provider));
        assertEquals(3, server.requests().size(), "remembered: one request, no second refusal");
        assertFalse(server.last().json().has("stream_options"));
    }

    @Test
    void anOrdinaryBadRequestOnAStreamIsNotRetried() {
        server.reply(Reply.json(400, bodies.errorBody("messages: must not be empty")));
        assertEquals(400, failure(streamHello(provider())).status());
        assertEquals(1, server.requests().size());
        assertTrue(server.last().json().has("stream_options"), "still asked for usage: the refusal was not about it");
    }

    @Test
    void answerWithoutUsageIsEstimated() {
        server.reply(Reply.json(200, "{\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello there\"},\"finish_reason\":\"length\"}]}"));
        ModelResponse r = await(provider().call(hello(), target()));
        assertEquals("length", r.finishReason());
        assertTrue(r.usage().estimated());
        assertEquals(2, r.usage().completionTokens());
    }

    @Test
    void sentimentAsksForAJsonSchemaAnswer() {
        server.reply(Reply.json(200, chatAnswer("{\"label\":\"positive\",\"score\":0.9}")));
        await(provider().call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("Great!")), target()));
        var body = server.last().json();
        assertEquals("json_schema", body.at("/response_format/type").asText());
        assertEquals("label", body.at("/response_format/json_schema/schema/required/0").asText());
        assertEquals("Great!", body.at("/messages/1/content").asText());
    }

    @Test
    void embeddingsInInputOrder() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "embeddings-response.json")));
        ModelResponse r = await(provider().call(ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("a", "b")),
                Target.of("openai", "text-embedding-3-small")));
        assertEquals("/v1/embeddings", server.last().uri());
        assertEquals(ProviderJson.tree(Map.of("model", "text-embedding-3-small", "input", List.of("a", "b"))), server.last().json());
        assertEquals(List.of(List.of(0.1, 0.2, 0.3), List.of(0.5, -0.25, 0.125)), r.fields().get("embeddings"));
        assertEquals(3, r.fields().get("dimensions"));
        assertEquals(6, r.usage().promptTokens());
    }

    @Test
    void moderationFlagsAnyFlaggedInput() {
        server.reply(Reply.json(200, Fixtures.text(getClass(), "moderation-response.json")));
        ModelResponse r = await(provider().call(ModelRequest.ofInputs(ModelTask.MODERATION, List.of("hi", "kill")),
                Target.of("openai", "omni-moderation-latest")));
        assertEquals("/v1/moderations", server.last().uri());
        assertEquals(true, r.fields().get("flagged"));
        assertEquals(Map.of("violence", true, "harassment", false), r.fields().get("categories"));
        assertEquals(0.97, ((Map<?, ?>) r.fields().get("categoryScores")).get("violence"));
        assertEquals(2, ((List<?>) r.fields().get("results")).size());
    }

    @Test
    void anOpenAiCompatibleServerGetsItsOwnName() {
        server.reply(Reply.json(200, chatAnswer("hi")));
        OpenAiProvider groq = new OpenAiProvider(new OpenAiSettings("groq", server.baseUrl() + "/openai/v1/", SECRET, FAST));
        ModelResponse r = await(groq.call(hello(), Target.of("groq", "llama-3.1-8b-instant")));
        assertEquals("groq", groq.name());
        assertEquals("groq", r.provider());
        assertEquals("/openai/v1/chat/completions", server.last().uri());
    }

    /** "Hello" with temperature 0.2 and at most 100 tokens. */
    static ModelRequest helloWithLimits() {
        return new ModelRequest(ModelTask.CHAT, List.of(Message.user("Hello")), null, null,
                new GenerationOptions(0.2, 100, null, null));
    }

    @Test
    void reasoningModelsGetMaxCompletionTokensAndNoTemperatureFromAnOpenAiTypeProvider() {
        // the fake is not api.openai.com, so the provider is told it speaks OpenAI's own dialect
        OpenAiProvider openai = new OpenAiProvider(new OpenAiSettings("openai", server.baseUrl() + "/v1", SECRET, FAST, true));
        // the fake answers in this order (the last reply repeats)
        server.reply(Reply.json(200, chatAnswer("ok"))).reply(Reply.stream(SSE, stream(List.of("a"))))
                .reply(Reply.json(200, chatAnswer("ok")));
        await(openai.call(helloWithLimits(), Target.of("openai", "o3-mini")));
        ObjectNode expected = (ObjectNode) ProviderJson.MAPPER.createObjectNode();
        expected.put("model", "o3-mini");
        expected.putArray("messages").addObject().put("role", "user").put("content", "Hello");
        expected.put("max_completion_tokens", 100);
        assertEquals(expected, server.last().json());

        deltas.clear();
        await(openai.stream(helloWithLimits(), Target.of("openai", "gpt-5-mini"), deltas::add));
        assertEquals(100, server.last().json().path("max_completion_tokens").asInt());
        assertTrue(!server.last().json().has("max_tokens") && !server.last().json().has("temperature"), server.last().body());

        // a chat model on the same provider keeps both, as before
        await(openai.call(helloWithLimits(), Target.of("openai", "gpt-4o-mini")));
        assertEquals(100, server.last().json().path("max_tokens").asInt());
        assertEquals(0.2, server.last().json().path("temperature").asDouble());
        assertTrue(!server.last().json().has("max_completion_tokens"), server.last().body());
    }

    @Test
    void anOpenAiCompatibleServerKeepsMaxTokensEvenForAReasoningModelName() {
        server.reply(Reply.json(200, chatAnswer("ok")));
        await(provider().call(helloWithLimits(), Target.of("openai", "o3-mini")));
        assertEquals(100, server.last().json().path("max_tokens").asInt());
        assertEquals(0.2, server.last().json().path("temperature").asDouble());
        assertTrue(!server.last().json().has("max_completion_tokens"), server.last().body());
    }

    @Test
    void theBaseUrlDecidesTheDialectUnlessConfigured() {
        assertTrue(new OpenAiSettings("openai", null, SECRET, null).reasoningParameters());
        assertTrue(new OpenAiSettings("openai", "https://API.openai.com/v1/", SECRET, null).reasoningParameters());
        assertTrue(!new OpenAiSettings("groq", "https://api.groq.com/openai/v1", SECRET, null).reasoningParameters());
        assertTrue(!new OpenAiSettings("vllm", "http://gpu:8000/v1", null, null, null).reasoningParameters());
        assertTrue(new OpenAiSettings("proxy", "http://proxy/v1", SECRET, null, true).reasoningParameters());
        assertTrue(!new OpenAiSettings("openai", null, SECRET, null, false).reasoningParameters());
        assertTrue(new OpenAiSettings("proxy", "http://proxy/v1", SECRET, null, true).withLimits(FAST).reasoningParameters());
    }

    @Test
    void reasoningModelNames() {
        for (String m : List.of("o1", "o1-mini", "o1-preview", "o3", "o3-mini", "o3-2025-04-16", "o3-pro", "o4-mini",
                "gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5-2025-08-07", "GPT-5")) {
            assertTrue(OpenAiWire.isReasoningModel(m), m);
        }
        for (String m : List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5-chat-latest", "omni-moderation-latest",
                "text-embedding-3-small", "llama-3.1-8b-instant", "ollama", "o")) {
            assertTrue(!OpenAiWire.isReasoningModel(m), m);
        }
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertTrue(!new OpenAiSettings("openai", null, SECRET, null).toString().contains(SECRET));
    }
}
