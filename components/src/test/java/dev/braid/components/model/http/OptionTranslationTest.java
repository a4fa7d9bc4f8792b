package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.anthropic.AnthropicProvider;
import dev.braid.components.model.anthropic.AnthropicSettings;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.model.gemini.GeminiProvider;
import dev.braid.components.model.gemini.GeminiSettings;
import dev.braid.components.model.http.WireServer.Reply;
import dev.braid.components.model.ollama.OllamaProvider;
import dev.braid.components.model.ollama.OllamaSettings;
import dev.braid.components.model.openai.OpenAiProvider;
import dev.braid.components.model.openai.OpenAiSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The unified options as each provider's real wire format carries them, against a local server that
 * records what it receives: sent as is to OpenAI-compatible servers, translated where the provider
 * has an equivalent, refused by name ({@code unsupported_parameter}) where it has none.
 */
class OptionTranslationTest {

    final WireServer server = WireServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Weather of a city",
            Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))));

    static ModelRequest request(GenerationOptions options) {
        return request(options, WEATHER);
    }

    static ModelRequest request(GenerationOptions options, ToolDefinition tool) {
        return new ModelRequest(ModelTask.CHAT, List.of(Message.user("weather in Paris?")), null, List.of(tool), options);
    }

    static ToolDefinition strict(ToolDefinition t) {
        return new ToolDefinition(t.name(), t.description(), t.parameters(), true);
    }

    static Object await(ModelProvider p, ModelRequest r, String model) {
        try {
            return p.call(r, Target.of(p.name(), model)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void refused(Object outcome, String param) {
        Throwable e = outcome instanceof CompletionException ce ? ce.getCause() : (Throwable) outcome;
        ModelException.UnsupportedParameter u = assertInstanceOf(ModelException.UnsupportedParameter.class, e);
        assertEquals(param, u.param());
        assertEquals(400, u.status());
        assertEquals("unsupported_parameter", u.code());
    }

    @Test
    void anOpenAiCompatibleServerGetsEveryOptionAsGiven() {
        server.reply(Reply.json(200, "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"hi\"},\"logprobs\":{\"content\":[{\"token\":\"hi\",\"logprob\":-0.1}]},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}"));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("logit_bias", Map.of("50256", -100));
        extra.put("top_k", 5);
        GenerationOptions o = GenerationOptions.builder().temperature(0.25).topP(0.5).seed(42L).presencePenalty(0.1)
                .frequencyPenalty(0.2).logprobs(true).topLogprobs(2).reasoningEffort("low")
                .toolChoice(ToolChoice.function("get_weather")).parallelToolCalls(false).user("u-1")
                .metadata(Map.of("team", "a")).maxTokens(77).maxTokensField("max_completion_tokens").extra(extra).build();
        ModelProvider p = new OpenAiProvider(OpenAiSettings.compatible("up", server.baseUrl(), "k"));
        Object r = await(p, request(o, strict(WEATHER)), "m");
        assertInstanceOf(dev.braid.components.model.api.ModelResponse.class, r, String.valueOf(r));
        assertTrue(((dev.braid.components.model.api.ModelResponse) r).fields().containsKey("logprobs"));
        JsonNode sent = server.last().json();
        assertEquals("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", sent.get("tool_choice").toString());
        assertFalse(sent.get("parallel_tool_calls").asBoolean());
        assertTrue(sent.at("/tools/0/function/strict").asBoolean());
        assertEquals(0.5, sent.get("top_p").asDouble());
        assertEquals(42, sent.get("seed").asLong());
        assertEquals(0.1, sent.get("presence_penalty").asDouble());
        assertEquals(0.2, sent.get("frequency_penalty").asDouble());
        assertTrue(sent.get("logprobs").asBoolean());
        assertEquals(2, sent.get("top_logprobs").asInt());
        assertEquals("low", sent.get("reasoning_effort").asText());
        assertEquals("u-1", sent.get("user").asText());
        assertEquals("a", sent.at("/metadata/team").asText());
        assertEquals(77, sent.get("max_completion_tokens").asInt(), "the caller's spelling is kept");
        assertFalse(sent.has("max_tokens"));
        assertEquals(-100, sent.at("/logit_bias/50256").asInt());
        assertEquals(5, sent.get("top_k").asInt());
    }

    @Test
    void anthropicGetsTranslationsAndRefusesWhatItCannotHonour() {
        server.reply(Reply.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}"));
        ModelProvider p = new AnthropicProvider(new AnthropicSettings("anthropic", server.baseUrl(), "k", null, 0, HttpLimits.DEFAULTS));
        await(p, request(GenerationOptions.builder().topP(0.5).toolChoice(ToolChoice.REQUIRED).parallelToolCalls(false)
                .user("u-1").extra(Map.of("top_k", 5)).build()), "c");
        JsonNode sent = server.last().json();
        assertEquals("any", sent.at("/tool_choice/type").asText());
        assertTrue(sent.at("/tool_choice/disable_parallel_tool_use").asBoolean());
        assertEquals(0.5, sent.get("top_p").asDouble());
        assertEquals(5, sent.get("top_k").asInt());
        assertEquals("u-1", sent.at("/metadata/user_id").asText());
        await(p, request(GenerationOptions.builder().toolChoice(ToolChoice.function("get_weather")).build()), "c");
        assertEquals("{\"type\":\"tool\",\"name\":\"get_weather\"}", server.last().json().get("tool_choice").toString());
        await(p, request(GenerationOptions.builder().toolChoice(ToolChoice.NONE).build()), "c");
        assertEquals("none", server.last().json().at("/tool_choice/type").asText());
        int before = server.requests().size();
        refused(await(p, request(GenerationOptions.builder().seed(1L).build()), "c"), "seed");
        refused(await(p, request(GenerationOptions.builder().logprobs(true).build()), "c"), "logprobs");
        refused(await(p, request(GenerationOptions.builder().extra(Map.of("logit_bias", Map.of())).build()), "c"), "logit_bias");
        refused(await(p, request(GenerationOptions.builder().metadata(Map.of("a", "b")).build()), "c"), "metadata");
        assertEquals(before, server.requests().size(), "a refused option never reaches the provider");
    }

    @Test
    void geminiGetsGenerationConfigAndToolConfig() {
        server.reply(Reply.json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"hi\"}]},"
                + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1}}"));
        ModelProvider p = new GeminiProvider(new GeminiSettings("gemini", server.baseUrl(), "k", HttpLimits.DEFAULTS));
        await(p, request(GenerationOptions.builder().topP(0.5).seed(7L).presencePenalty(0.1).frequencyPenalty(0.2)
                .toolChoice(ToolChoice.function("get_weather")).build()), "g");
        JsonNode sent = server.last().json();
        assertEquals(0.5, sent.at("/generationConfig/topP").asDouble());
        assertEquals(7, sent.at("/generationConfig/seed").asLong());
        assertEquals(0.1, sent.at("/generationConfig/presencePenalty").asDouble());
        assertEquals(0.2, sent.at("/generationConfig/frequencyPenalty").asDouble());
        assertEquals("ANY", sent.at("/toolConfig/functionCallingConfig/mode").asText());
        assertEquals("get_weather", sent.at("/toolConfig/functionCallingConfig/allowedFunctionNames/0").asText());
        await(p, request(GenerationOptions.builder().toolChoice(ToolChoice.NONE).build()), "g");
        assertEquals("NONE", server.last().json().at("/toolConfig/functionCallingConfig/mode").asText());
        refused(await(p, request(GenerationOptions.builder().user("u").build()), "g"), "user");
        refused(await(p, request(GenerationOptions.builder().parallelToolCalls(false).build()), "g"), "parallel_tool_calls");
        refused(await(p, request(GenerationOptions.builder().reasoningEffort("low").build()), "g"), "reasoning_effort");
        refused(await(p, new ModelRequest(ModelTask.EMBEDDINGS, null, null, null, null, List.of(List.of(1, 2))), "e"), "input");
    }

    @Test
    void ollamaGetsItsOptionsAndExpressesToolChoiceNoneByOfferingNoTools() {
        server.reply(Reply.json(200, "{\"model\":\"l\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":1}"));
        ModelProvider p = new OllamaProvider(new OllamaSettings("ollama", server.baseUrl(), null, HttpLimits.DEFAULTS));
        await(p, request(GenerationOptions.builder().topP(0.5).seed(7L).reasoningEffort("high").toolChoice(ToolChoice.NONE).build()), "l");
        JsonNode sent = server.last().json();
        assertEquals(0.5, sent.at("/options/top_p").asDouble());
        assertEquals(7, sent.at("/options/seed").asLong());
        assertEquals("high", sent.get("think").asText());
        assertFalse(sent.has("tools"), "tool_choice none: no tools offered");
        await(p, request(GenerationOptions.builder().toolChoice(ToolChoice.AUTO).build()), "l");
        assertTrue(server.last().json().has("tools"));
        refused(await(p, request(GenerationOptions.builder().toolChoice(ToolChoice.REQUIRED).build()), "l"), "tool_choice");
        refused(await(p, request(GenerationOptions.builder().logprobs(true).build()), "l"), "logprobs");
        refused(await(p, new ModelRequest(ModelTask.EMBEDDINGS, null, List.of("a"), null,
                GenerationOptions.builder().dimensions(8).build()), "e"), "dimensions");
    }

    @Test
    void aStrictFunctionIsRefusedWhereStrictCannotBeHonoured() {
        ModelProvider p = new OllamaProvider(new OllamaSettings("ollama", server.baseUrl(), null, HttpLimits.DEFAULTS));
        refused(await(p, request(GenerationOptions.DEFAULTS, strict(WEATHER)), "l"), "strict");
    }
}
