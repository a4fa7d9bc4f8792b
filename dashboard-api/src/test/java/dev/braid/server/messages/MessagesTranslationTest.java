package dev.braid.server.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.Http;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Messages and Chat Completions doors on Anthropic, Gemini and Ollama targets, each a real-wire
 * fake ({@link ProviderFakes}): with tools, streamed and not, through anthropic-java; the tool call
 * comes back whole and the usage is the provider's own count.
 */
@MicronautTest(environments = "openai")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagesTranslationTest implements TestPropertyProvider {

    final ProviderFakes fakes = new ProviderFakes();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        put(p, "fake-anthropic", "anthropic", fakes.base() + "/v1");
        put(p, "fake-gemini", "gemini", fakes.base() + "/v1beta");
        put(p, "fake-ollama", "ollama", fakes.base());
        return p;
    }

    private static void put(Map<String, String> p, String name, String type, String base) {
        p.put("braid.providers." + name + ".type", type);
        p.put("braid.providers." + name + ".base-url", base);
        p.put("braid.providers." + name + ".api-key", "k");
    }

    @AfterAll
    void stop() {
        fakes.close();
    }

    AnthropicClient client() {
        return AnthropicOkHttpClient.builder().baseUrl(server.getURL().toString()).apiKey("k").maxRetries(0).build();
    }

    List<JsonNode> received(String model) {
        return model.startsWith("fake-anthropic") ? fakes.anthropic : model.startsWith("fake-gemini") ? fakes.gemini : fakes.ollama;
    }

    static MessageCreateParams params(String model, boolean tools) {
        MessageCreateParams.Builder b = MessageCreateParams.builder().model(model).maxTokens(64).system("be brief")
                .addUserMessage("weather in Paris?");
        if (tools) {
            b.addTool(MessagesSdkTest.weather());
        }
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake-anthropic/claude-3-5-haiku-latest", "fake-gemini/gemini-2.0-flash", "fake-ollama/llama3.2"})
    void messagesWithToolsStreamedAndNot(String model) {
        Message text = client().messages().create(params(model, false));
        assertEquals("weather in Paris?", text.content().get(0).text().orElseThrow().text(), model);
        assertEquals(ProviderFakes.PROMPT, text.usage().inputTokens(), model);
        assertEquals(ProviderFakes.COMPLETION, text.usage().outputTokens(), model);

        Message call = client().messages().create(params(model, true));
        ToolUseBlock use = call.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertEquals("get_weather", use.name(), model);
        assertEquals(JsonValue.from(Map.of("city", "Paris")), use._input(), model);
        assertEquals(StopReason.TOOL_USE, call.stopReason().orElseThrow(), model);
        assertTrue(received(model).get(received(model).size() - 1).toString().contains("get_weather"), model);

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client().messages().createStreaming(params(model, true))) {
            s.stream().forEach(acc::accumulate);
        }
        Message streamed = acc.message();
        ToolUseBlock su = streamed.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertEquals(JsonValue.from(Map.of("city", "Paris")), su._input(), model);
        assertEquals(ProviderFakes.COMPLETION, streamed.usage().outputTokens(), "usage in the stream is the provider's: " + model);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake-anthropic/claude-3-5-haiku-latest", "fake-gemini/gemini-2.0-flash", "fake-ollama/llama3.2"})
    void chatCompletionsWithToolsStreamedAndNot(String model) throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        Http http = new Http(server.getURL());
        HttpResponse<String> r = http.postJson("/v1/chat/completions", "{\"model\":\"" + model + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]" + tools + "}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode c = Http.json(r);
        assertEquals("get_weather", c.at("/choices/0/message/tool_calls/0/function/name").asText(), r.body());
        assertEquals("{\"city\":\"Paris\"}", c.at("/choices/0/message/tool_calls/0/function/arguments").asText().replace(" ", ""));
        assertEquals(ProviderFakes.PROMPT, c.at("/usage/prompt_tokens").asLong());
        HttpResponse<String> s = http.postJson("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]" + tools + "}");
        assertTrue(s.body().contains("\"name\":\"get_weather\""), s.body());
        assertTrue(s.body().contains("\"completion_tokens\":" + ProviderFakes.COMPLETION), "the provider's count: " + s.body());
        assertTrue(s.body().contains("\"finish_reason\":\"tool_calls\""), s.body());
    }
}
