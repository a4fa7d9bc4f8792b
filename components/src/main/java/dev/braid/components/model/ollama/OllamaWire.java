package dev.braid.components.model.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.http.DataUrl;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unified model to and from Ollama's {@code /api/chat} and {@code /api/embed}: images as
 * base64 strings beside the text (Ollama cannot fetch https images), tool arguments as objects,
 * sampling under {@code options}, a JSON answer as {@code format} ("json" or the schema itself).
 */
final class OllamaWire {

    private OllamaWire() {}

    static ObjectNode chatBody(ModelRequest request, String model, boolean stream) {
        ObjectNode body = ProviderJson.object();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        Map<String, String> toolNames = new HashMap<>();
        for (Message m : request.messages()) {
            ObjectNode out = messages.addObject().put("role", m.role()).put("content", m.text());
            ArrayNode images = null;
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Image i) {
                    DataUrl data = DataUrl.parse(i.url()).orElseThrow(() -> new IllegalArgumentException(
                            "Ollama takes images only as data: URLs, not " + (i.url().startsWith("https:") ? "https" : "other") + " URLs"));
                    if (images == null) {
                        images = out.putArray("images");
                    }
                    images.add(data.base64());
                }
            }
            if (!m.toolCalls().isEmpty()) {
                ArrayNode calls = out.putArray("tool_calls");
                for (ToolCall c : m.toolCalls()) {
                    toolNames.put(c.id(), c.name());
                    calls.addObject().putObject("function").put("name", c.name())
                            .set("arguments", ProviderJson.argumentsObject(c.arguments()));
                }
            }
            if ("tool".equals(m.role()) && toolNames.containsKey(m.toolCallId())) {
                out.put("tool_name", toolNames.get(m.toolCallId()));
            }
        }
        GenerationOptions o = request.options();
        if (!(o.toolChoice() instanceof ToolChoice.None)) {
            // Ollama has no tool_choice: "none" is offering no tools; auto is its only behaviour
            ProviderJson.functionTools(body, request.tools());
        }
        if (o.reasoningEffort() != null) {
            body.put("think", o.reasoningEffort()); // gpt-oss takes low / medium / high
        }
        Map<String, Object> rf = o.responseFormat();
        if (rf != null && "json_schema".equals(rf.get("type")) && rf.get("json_schema") instanceof Map<?, ?> js
                && js.get("schema") != null) {
            body.set("format", ProviderJson.tree(js.get("schema")));
        } else if (rf != null && "json_object".equals(rf.get("type"))) {
            body.put("format", "json");
        }
        ObjectNode options = ProviderJson.object();
        if (o.temperature() != null) {
            options.put("temperature", o.temperature());
        }
        if (o.maxTokens() != null) {
            options.put("num_predict", o.maxTokens());
        }
        if (o.stop() != null && !o.stop().isEmpty()) {
            options.set("stop", ProviderJson.tree(o.stop()));
        }
        if (o.topP() != null) {
            options.put("top_p", o.topP());
        }
        if (o.extra().get("top_k") instanceof Number topK) {
            options.put("top_k", topK.longValue());
        }
        if (o.seed() != null) {
            options.put("seed", o.seed());
        }
        if (o.presencePenalty() != null) {
            options.put("presence_penalty", o.presencePenalty());
        }
        if (o.frequencyPenalty() != null) {
            options.put("frequency_penalty", o.frequencyPenalty());
        }
        if (!options.isEmpty()) {
            body.set("options", options);
        }
        body.put("stream", stream); // Ollama streams unless told not to
        return body;
    }

    static List<ToolCall> toolCalls(JsonNode message, int first) {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : message.path("tool_calls")) {
            JsonNode fn = c.path("function");
            String id = c.path("id").asText("call_" + (first + calls.size()));
            calls.add(new ToolCall(id, fn.path("name").asText(), ProviderJson.write(
                    fn.path("arguments").isMissingNode() ? ProviderJson.object() : fn.get("arguments"))));
        }
        return calls;
    }

    static String finishReason(String doneReason, boolean calledTools) {
        if (calledTools) {
            return "tool_calls";
        }
        return "length".equals(doneReason) ? "length" : "stop";
    }

    static ModelResponse chatResponse(JsonNode root, ModelRequest request, String provider, String model) {
        JsonNode message = root.path("message");
        if (!message.isObject()) {
            throw ProviderErrors.malformed(provider, "no message");
        }
        String text = message.path("content").asText("");
        List<ToolCall> calls = toolCalls(message, 0);
        return new ModelResponse(provider, root.path("model").asText(model), text, calls,
                finishReason(root.path("done_reason").asText(null), !calls.isEmpty()), null,
                HttpProvider.usage(ProviderJson.count(root, "prompt_eval_count"), ProviderJson.count(root, "eval_count"),
                        request, text, model), 0);
    }

    static ObjectNode embedBody(List<String> inputs, String model) {
        ObjectNode body = ProviderJson.object();
        body.put("model", model);
        body.set("input", ProviderJson.tree(inputs));
        return body;
    }

    static ModelResponse embedResponse(JsonNode root, ModelRequest request, List<String> inputs, String provider, String model) {
        List<List<Double>> vectors = new ArrayList<>();
        for (JsonNode e : root.path("embeddings")) {
            List<Double> v = new ArrayList<>();
            e.forEach(x -> v.add(x.asDouble()));
            vectors.add(v);
        }
        if (vectors.size() != inputs.size()) {
            throw new IllegalStateException("embeddings count");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("embeddings", vectors);
        fields.put("dimensions", vectors.isEmpty() ? 0 : vectors.get(0).size());
        return new ModelResponse(provider, root.path("model").asText(model), null, null, null, fields,
                HttpProvider.usage(ProviderJson.count(root, "prompt_eval_count"), 0, request, null, model), 0);
    }
}
