package dev.braid.server.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import com.openai.models.responses.ToolChoiceFunction;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.openai.Sse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Responses door translated onto real-wire fakes: an OpenAI-compatible upstream (Chat
 * Completions) and an Anthropic one (Messages), streamed and not, with function tools and their
 * round trip, through the official OpenAI Java SDK. Usage in streams is the provider's own count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponsesTranslationTest {

    static final ObjectMapper JSON = new ObjectMapper();

    FakeOpenAi openai;
    FakeAnthropic anthropic;
    EmbeddedServer server;
    OpenAIClient client;

    @BeforeAll
    void start() {
        openai = new FakeOpenAi();
        anthropic = new FakeAnthropic();
        Map<String, Object> p = new HashMap<>(openai.providerProperties("up"));
        p.putAll(anthropic.providerProperties("anth"));
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        client = OpenAIOkHttpClient.builder().baseUrl(server.getURL() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        server.getApplicationContext().close();
        openai.close();
        anthropic.close();
    }

    static FunctionTool weather() {
        return FunctionTool.builder().name("weather").description("The weather in a city").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
    }

    static List<ResponseFunctionToolCall> calls(Response r) {
        return r.output().stream().filter(ResponseOutputItem::isFunctionCall).map(ResponseOutputItem::asFunctionCall).toList();
    }

    static String text(Response r) {
        return ResponsesSdkTest.text(r);
    }

    @Test
    void openAiTargetFunctionCallRoundTripWithFunctionCallOutput() {
        Response first = client.responses().create(ResponseCreateParams.builder().model("up/fake-gpt")
                .instructions("You check the weather.").input("weather in Paris?").addTool(weather()).build());
        ResponseFunctionToolCall call = calls(first).get(0);
        assertEquals("call_up_2", call.callId());
        assertEquals("weather", call.name());
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
        JsonNode sent = openai.requests.get(openai.requests.size() - 1);
        assertEquals("system", sent.at("/messages/0/role").asText());
        assertEquals("You check the weather.", sent.at("/messages/0/content").asText());
        assertEquals("weather", sent.at("/tools/0/function/name").asText());
        assertEquals("object", sent.at("/tools/0/function/parameters/type").asText());

        Response second = client.responses().create(ResponseCreateParams.builder().model("up/fake-gpt")
                .previousResponseId(first.id()).addTool(weather())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("sunny, 21 C").build())))
                .build());
        assertEquals(first.id(), second.previousResponseId().orElseThrow());
        JsonNode chained = openai.requests.get(openai.requests.size() - 1);
        JsonNode messages = chained.get("messages");
        // instructions are not carried over (as OpenAI does): earlier input, earlier output, then the tool's output
        assertEquals("user", messages.get(0).path("role").asText(), chained.toString());
        assertEquals("weather in Paris?", messages.get(0).path("content").asText());
        assertEquals("assistant", messages.get(1).path("role").asText());
        assertEquals("call_up_2", messages.get(1).at("/tool_calls/0/id").asText());
        assertEquals("{\"city\":\"Paris\"}", messages.get(1).at("/tool_calls/0/function/arguments").asText());
        assertEquals("tool", messages.get(2).path("role").asText());
        assertEquals("call_up_2", messages.get(2).path("tool_call_id").asText());
        assertEquals("sunny, 21 C", messages.get(2).path("content").asText());
        assertEquals(3, messages.size());
    }

    @Test
    void openAiTargetToolChoiceForcingAFunctionReachesTheUpstream() {
        client.responses().create(ResponseCreateParams.builder().model("up/fake-gpt").input("anything")
                .addTool(weather()).toolChoice(ToolChoiceFunction.builder().name("weather").build()).build());
        JsonNode sent = openai.requests.get(openai.requests.size() - 1);
        assertEquals("function", sent.at("/tool_choice/type").asText(), sent.toString());
        assertEquals("weather", sent.at("/tool_choice/function/name").asText(), sent.toString());
    }

    @Test
    void openAiTargetStreamedToolCallArrivesAsArgumentDeltasWithTheProvidersUsage() {
        List<ResponseStreamEvent> events = collect(ResponseCreateParams.builder().model("up/fake-gpt")
                .input("weather?").addTool(weather()).build());
        List<String> deltas = events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta)
                .map(e -> e.asFunctionCallArgumentsDelta().delta()).toList();
        assertEquals(List.of("{\"city\":", "\"Paris\"}"), deltas);
        assertEquals("{\"city\":\"Paris\"}", events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDone)
                .findFirst().orElseThrow().asFunctionCallArgumentsDone().arguments());
        ResponseOutputItem added = events.stream().filter(ResponseStreamEvent::isOutputItemAdded).findFirst()
                .orElseThrow().asOutputItemAdded().item();
        assertEquals("call_up_1", added.asFunctionCall().callId());
        Response done = events.get(events.size() - 1).asCompleted().response();
        assertEquals("weather", calls(done).get(0).name());
        assertUsage(done.usage().orElseThrow(), FakeOpenAi.PROMPT_TOKENS, FakeOpenAi.COMPLETION_TOKENS);
    }

    @Test
    void openAiTargetStreamedTextHasTheProvidersUsage() {
        List<ResponseStreamEvent> events = collect(ResponseCreateParams.builder().model("up/fake-gpt")
                .input("count the streamed tokens").build());
        StringBuilder text = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta).forEach(e -> text.append(e.asOutputTextDelta().delta()));
        assertEquals("count the streamed tokens", text.toString());
        assertUsage(events.get(events.size() - 1).asCompleted().response().usage().orElseThrow(),
                FakeOpenAi.PROMPT_TOKENS, FakeOpenAi.COMPLETION_TOKENS);
    }

    @Test
    void anthropicTargetAnswersTextThenAFunctionCallWithItsUsage() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("anth/claude-test")
                .instructions("Be brief.").input("weather in Paris?").addTool(weather()).maxOutputTokens(200L).build());
        assertEquals("Let me check.", text(r));
        ResponseFunctionToolCall call = calls(r).get(0);
        assertEquals("toolu_up_1", call.callId());
        assertEquals("{\"city\":\"Paris\"}", JSON.valueToTree(JSON.convertValue(readTree(call.arguments()), Map.class)).toString());
        assertUsage(r.usage().orElseThrow(), FakeAnthropic.INPUT_TOKENS, FakeAnthropic.OUTPUT_TOKENS);
        JsonNode sent = anthropic.last();
        assertEquals("Be brief.", sent.path("system").isTextual() ? sent.path("system").asText()
                : sent.at("/system/0/text").asText(), sent.toString());
        assertEquals(200, sent.path("max_tokens").asInt());
        assertEquals("weather", sent.at("/tools/0/name").asText());
        assertEquals("object", sent.at("/tools/0/input_schema/type").asText());
    }

    @Test
    void anthropicTargetTakesAFunctionCallOutputAsAToolResult() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("anth/claude-test")
                .addTool(weather())
                .inputOfResponse(List.of(
                        ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                                .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("weather in Paris?").build()),
                        ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder().callId("toolu_up_1")
                                .name("weather").arguments("{\"city\":\"Paris\"}").build()),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId("toolu_up_1").output("sunny").build())))
                .build());
        assertEquals("tool said: sunny", text(r));
        JsonNode messages = anthropic.last().path("messages");
        assertEquals("assistant", messages.get(1).path("role").asText(), messages.toString());
        assertEquals("tool_use", messages.get(1).at("/content/0/type").asText(), messages.toString());
        assertEquals("toolu_up_1", messages.get(1).at("/content/0/id").asText());
        assertEquals("tool_result", messages.get(2).at("/content/0/type").asText(), messages.toString());
        assertEquals("toolu_up_1", messages.get(2).at("/content/0/tool_use_id").asText());
    }

    @Test
    void anthropicTargetStreamsTextAndAToolCallWithTheProvidersUsage() {
        List<ResponseStreamEvent> events = collect(ResponseCreateParams.builder().model("anth/claude-test")
                .input("weather?").addTool(weather()).build());
        StringBuilder text = new StringBuilder();
        StringBuilder args = new StringBuilder();
        events.forEach(e -> {
            e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
            e.functionCallArgumentsDelta().ifPresent(d -> args.append(d.delta()));
        });
        assertEquals("Let me check.", text.toString());
        assertEquals("{\"city\":\"Paris\"}", args.toString());
        Response done = events.get(events.size() - 1).asCompleted().response();
        assertEquals(2, done.output().size());
        assertTrue(done.output().get(0).isMessage());
        assertEquals("toolu_up_1", done.output().get(1).asFunctionCall().callId());
        assertUsage(done.usage().orElseThrow(), FakeAnthropic.INPUT_TOKENS, FakeAnthropic.OUTPUT_TOKENS);
        // the text item closes before the call's item opens: output indexes 0 then 1
        List<Long> addedAt = events.stream().filter(ResponseStreamEvent::isOutputItemAdded)
                .map(e -> e.asOutputItemAdded().outputIndex()).toList();
        assertEquals(List.of(0L, 1L), addedAt);
    }

    @Test
    void aProviderErrorMidStreamEndsTheStreamWithErrorAndResponseFailed() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/responses"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"anth/fail-midstream\",\"stream\":true,\"input\":\"this breaks after a piece\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<Sse.Frame> frames = Sse.frames(r.body());
        List<String> types = frames.stream().map(Sse.Frame::event).toList();
        assertTrue(types.contains("response.output_text.delta"), types.toString());
        assertEquals("error", types.get(types.size() - 2), types.toString());
        assertEquals("response.failed", types.get(types.size() - 1), types.toString());
        JsonNode failed = JSON.readTree(frames.get(frames.size() - 1).data());
        assertEquals("failed", failed.at("/response/status").asText());
        assertFalse(failed.at("/response/error/message").asText().isEmpty(), failed.toString());
        assertFalse(r.body().contains(FakeAnthropic.KEY), "no secret in the stream");
        long[] sequence = {0};
        for (Sse.Frame f : frames) {
            assertEquals(sequence[0]++, JSON.readTree(f.data()).path("sequence_number").asLong(-1), f.data());
        }
    }

    private List<ResponseStreamEvent> collect(ResponseCreateParams params) {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(events::add);
        }
        assertTrue(events.get(events.size() - 1).isCompleted(), events.get(events.size() - 1).toString());
        return events;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    private static void assertUsage(ResponseUsage usage, long input, long output) {
        assertEquals(input, usage.inputTokens(), usage.toString());
        assertEquals(output, usage.outputTokens(), usage.toString());
        assertEquals(input + output, usage.totalTokens(), usage.toString());
    }
}
