package dev.braid.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import dev.braid.server.FakeOpenAi;
import dev.braid.server.Http;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chat Completions without silent drops (issue 16): every documented request field reaches an
 * OpenAI-compatible upstream byte-equal (a fake that records what it receives), a field a target
 * cannot honour is a 400 {@code unsupported_parameter} naming it, openai-java's forced tool call
 * works, answers carry the x-braid headers, and {@code pipeline/<name>} keeps tools and tool-call
 * history intact through an agent loop.
 */
@MicronautTest(environments = "openai")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatFieldFidelityTest implements TestPropertyProvider {

    static final ObjectMapper JSON = new ObjectMapper();

    final FakeOpenAi upstream = new FakeOpenAi();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = upstream.providerProperties("upstream", "models", "fake-gpt");
        p.putAll(upstream.providerProperties("openai")); // the same fake under the name the price table knows
        // never reached: every call to them here is refused before it leaves Braid
        for (String type : List.of("anthropic", "gemini", "ollama")) {
            p.put("braid.providers.no-" + type + ".type", type);
            p.put("braid.providers.no-" + type + ".base-url", "http://127.0.0.1:9");
            p.put("braid.providers.no-" + type + ".api-key", "k");
        }
        return p;
    }

    @AfterAll
    void stop() {
        upstream.close();
    }

    Http http() {
        return new Http(server.getURL());
    }

    OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(server.getURL() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    static final String EVERY_FIELD = """
            {"model":"upstream/fake-gpt",
             "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"weather in Paris?"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                 "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"18C"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],
               "additionalProperties":false},"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},
             "parallel_tool_calls":false,
             "temperature":0.25,"top_p":0.5,"seed":42,"user":"user-1","metadata":{"team":"search"},
             "logprobs":true,"top_logprobs":2,"presence_penalty":0.1,"frequency_penalty":-0.2,
             "reasoning_effort":"low","n":1,"stop":["END"],"max_completion_tokens":77,
             "response_format":{"type":"json_object"},
             "logit_bias":{"50256":-100},"service_tier":"default","store":false,
             "prediction":{"type":"content","content":"x"},"verbosity":"low","prompt_cache_key":"k-1",
             "safety_identifier":"s-1","top_k":5,"repetition_penalty":1.1,"chat_template_kwargs":{"enable_thinking":false}}
            """;

    @Test
    void everyRequestFieldReachesAnOpenAiCompatibleUpstreamByteEqual() throws Exception {
        int before = upstream.requests.size();
        HttpResponse<String> r = http().postJson("/v1/chat/completions", EVERY_FIELD);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(before + 1, upstream.requests.size());
        JsonNode got = upstream.requests.get(upstream.requests.size() - 1);
        JsonNode sent = JSON.readTree(EVERY_FIELD);
        for (Iterator<String> it = sent.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.equals("model")) {
                assertEquals("fake-gpt", got.get("model").asText());
                continue;
            }
            assertNotNull(got.get(field), field + " was dropped: " + got);
            assertEquals(JSON.writeValueAsString(sent.get(field)), JSON.writeValueAsString(got.get(field)),
                    field + " is not byte-equal");
        }
    }

    @Test
    void openAiJavaForcesAToolCallWithToolChoiceOnTheMockAndUpstream() {
        for (String model : List.of("mock/any", "upstream/fake-gpt")) {
            int before = upstream.requests.size();
            ChatCompletion c = client().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(model)
                    .addUserMessage("what should I wear? city=Paris")
                    .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                            .name("get_weather").description("Weather of a city")
                            .parameters(FunctionParameters.builder()
                                    .putAdditionalProperty("type", JsonValue.from("object"))
                                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build())
                            .build()).build())
                    .toolChoice(ChatCompletionNamedToolChoice.builder()
                            .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build())
                    .build());
            ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
            if (model.startsWith("mock")) {
                assertEquals("get_weather", call.function().name(), model);
                assertEquals("{\"city\":\"Paris\"}", call.function().arguments(), "the mock's documented rule");
            } else {
                JsonNode got = upstream.requests.get(before);
                assertEquals("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", got.get("tool_choice").toString());
            }
        }
    }

    @ParameterizedTest(name = "{0} refuses {1}")
    @CsvSource(delimiter = '|', value = {
            "no-anthropic/claude | \"seed\":1 | seed",
            "no-anthropic/claude | \"logprobs\":true | logprobs",
            "no-anthropic/claude | \"frequency_penalty\":0.5 | frequency_penalty",
            "no-anthropic/claude | \"logit_bias\":{\"1\":2} | logit_bias",
            "no-anthropic/claude | \"metadata\":{\"a\":\"b\"} | metadata",
            "no-gemini/gemini-2.0-flash | \"user\":\"u\" | user",
            "no-gemini/gemini-2.0-flash | \"parallel_tool_calls\":false | parallel_tool_calls",
            "no-gemini/gemini-2.0-flash | \"service_tier\":\"flex\" | service_tier",
            "no-ollama/llama3.2 | \"tool_choice\":\"required\" | tool_choice",
            "no-ollama/llama3.2 | \"top_logprobs\":1 | top_logprobs",
            "no-ollama/llama3.2 | \"metadata\":{\"a\":\"b\"} | metadata",
    })
    void aFieldTheTargetCannotHonourIsA400NamingIt(String model, String field, String param) throws Exception {
        HttpResponse<String> r = http().postJson("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + field + "}");
        JsonNode error = Http.assertError(r, 400, "unsupported_parameter");
        assertEquals(param, error.path("param").asText(), r.body());
        assertTrue(error.path("message").asText().contains(param), r.body());
    }

    @Test
    void aStrictFunctionIsRefusedWhereItCannotBeHonoured() throws Exception {
        HttpResponse<String> r = http().postJson("/v1/chat/completions", """
                {"model":"no-ollama/llama3.2","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"},"strict":true}}]}""");
        assertEquals("strict", Http.assertError(r, 400, "unsupported_parameter").path("param").asText());
    }

    @Test
    void badlyTypedNewFieldsAre400sNamingThem() throws Exception {
        for (String[] c : new String[][] {{"\"tool_choice\":\"sometimes\"", "tool_choice"}, {"\"seed\":1.5", "seed"},
                {"\"parallel_tool_calls\":\"no\"", "parallel_tool_calls"}, {"\"metadata\":{\"a\":1}", "metadata.a"},
                {"\"top_logprobs\":99", "top_logprobs"}, {"\"user\":7", "user"}}) {
            HttpResponse<String> r = http().postJson("/v1/chat/completions",
                    "{\"model\":\"mock/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + c[0] + "}");
            assertEquals(c[1], Http.assertError(r, 400, "invalid_request").path("param").asText(), c[0]);
        }
    }

    @Test
    void answersCarryTheBraidHeadersAndAStreamsUsageCarriesItsCost() throws Exception {
        HttpResponse<String> r = http().postJson("/v1/chat/completions",
                "{\"model\":\"upstream/fake-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("upstream/fake-gpt", r.headers().firstValue("x-braid-model").orElseThrow());
        assertEquals(r.headers().firstValue("X-Request-Id").orElseThrow(), r.headers().firstValue("x-braid-request-id").orElseThrow());
        assertEquals("miss", r.headers().firstValue("x-braid-cache").orElseThrow());
        Double.parseDouble(r.headers().firstValue("x-braid-cost-usd").orElseThrow());
        HttpResponse<String> alias = http().postJson("/v1/chat/completions",
                "{\"model\":\"test-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("mock/fast", alias.headers().firstValue("x-braid-model").orElseThrow(), "the target behind the alias");
        HttpResponse<String> s = http().postJson("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, s.statusCode());
        assertEquals("openai/gpt-4o-mini", s.headers().firstValue("x-braid-model").orElseThrow());
        assertTrue(s.headers().firstValue("x-braid-request-id").isPresent());
        JsonNode usage = null;
        for (String line : s.body().split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"usage\":{")) {
                usage = JSON.readTree(line.substring(6)).get("usage");
            }
        }
        assertNotNull(usage, s.body());
        assertTrue(usage.get("cost_usd").isNumber(), usage.toString());
        assertTrue(usage.get("cost_usd").asDouble() > 0, "gpt-4o-mini has a price: " + usage);
    }

    @Test
    void aPipelineKeepsToolsAndToolCallHistoryThroughAnAgentLoop() throws Exception {
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        HttpResponse<String> first = http().postJson("/v1/chat/completions", "{\"model\":\"pipeline/chat-tools\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"get_weather city=Oslo\"}],\"tools\":" + tools + "}");
        assertEquals(200, first.statusCode(), first.body());
        JsonNode choice = JSON.readTree(first.body()).at("/choices/0");
        assertEquals("tool_calls", choice.get("finish_reason").asText(), first.body());
        JsonNode call = choice.at("/message/tool_calls/0");
        assertEquals("get_weather", call.at("/function/name").asText());
        assertEquals("{\"city\":\"Oslo\"}", call.at("/function/arguments").asText());
        assertEquals("pipeline/chat-tools", first.headers().firstValue("x-braid-model").orElseThrow());
        String history = "[{\"role\":\"user\",\"content\":\"get_weather city=Oslo\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.get("id").asText() + "\",\"content\":\"-3C\"}]";
        HttpResponse<String> second = http().postJson("/v1/chat/completions", "{\"model\":\"pipeline/chat-tools\","
                + "\"messages\":" + history + ",\"tools\":" + tools + "}");
        assertEquals(200, second.statusCode(), second.body());
        // the mock names the tool it finds by the result's tool_call_id: the history arrived intact
        assertEquals("get_weather returned: -3C", JSON.readTree(second.body()).at("/choices/0/message/content").asText());
        HttpResponse<String> streamed = http().postJson("/v1/chat/completions", "{\"model\":\"pipeline/chat-tools\","
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"get_weather city=Oslo\"}],\"tools\":" + tools + "}");
        assertTrue(streamed.body().contains("\"tool_calls\":[{\"index\":0,\"id\":\"" + call.get("id").asText()), streamed.body());
        assertTrue(streamed.body().contains("\"finish_reason\":\"tool_calls\""), streamed.body());
        assertFalse(streamed.body().contains("\"tool_call_id\":null"));
    }

    @Test
    void embeddingsTakeTokenArraysAndDimensionsWhereTheProviderDoes() throws Exception {
        HttpResponse<String> tokens = http().postJson("/v1/embeddings",
                "{\"model\":\"mock/e\",\"input\":[[1,2,3],[4,5]],\"dimensions\":8}");
        assertEquals(200, tokens.statusCode(), tokens.body());
        JsonNode data = JSON.readTree(tokens.body()).get("data");
        assertEquals(2, data.size());
        assertEquals(8, data.get(0).get("embedding").size());
        assertEquals(5, JSON.readTree(tokens.body()).at("/usage/prompt_tokens").asInt(), "one token per id");
        HttpResponse<String> one = http().postJson("/v1/embeddings", "{\"model\":\"mock/e\",\"input\":[1,2,3]}");
        assertEquals(1, JSON.readTree(one.body()).get("data").size(), one.body());
        int before = upstream.requests.size();
        HttpResponse<String> up = http().postJson("/v1/embeddings",
                "{\"model\":\"upstream/text-embedding-3-small\",\"input\":[[1,2,3]],\"dimensions\":256}");
        assertEquals(200, up.statusCode(), up.body());
        JsonNode got = upstream.requests.get(before);
        assertEquals("[[1,2,3]]", got.get("input").toString());
        assertEquals(256, got.get("dimensions").asInt());
        Http.assertError(http().postJson("/v1/embeddings", "{\"model\":\"no-ollama/e\",\"input\":[[1,2]]}"), 400,
                "unsupported_parameter");
        Http.assertError(http().postJson("/v1/embeddings", "{\"model\":\"no-ollama/e\",\"input\":\"x\",\"dimensions\":8}"), 400,
                "unsupported_parameter");
        Http.assertError(http().postJson("/v1/embeddings", "{\"model\":\"mock/e\",\"input\":[1,\"a\"]}"), 400, "invalid_request");
        Http.assertError(http().postJson("/v1/embeddings", "{\"model\":\"mock/e\",\"input\":[[-1]]}"), 400, "invalid_request");
        Http.assertError(http().postJson("/v1/embeddings", "{\"model\":\"mock/e\",\"input\":\"x\",\"dimensions\":0}"), 400,
                "invalid_request");
    }
}
