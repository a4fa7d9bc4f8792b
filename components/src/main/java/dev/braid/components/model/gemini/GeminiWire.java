package dev.braid.components.model.gemini;

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
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.model.http.DataUrl;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The unified model to and from Gemini's generateContent: system prompt as
 * {@code systemInstruction}, assistant turns as role {@code model}, tool results as
 * {@code functionResponse} parts, data: images as {@code inlineData}, https images as
 * {@code fileData.fileUri}, a JSON-schema answer as {@code responseMimeType} + {@code responseSchema}.
 */
final class GeminiWire {

    private GeminiWire() {}

    static ObjectNode body(ModelRequest request) {
        ObjectNode body = ProviderJson.object();
        String system = HttpProvider.systemText(request);
        if (system != null) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", system);
        }
        Map<String, String> toolNames = new HashMap<>();
        ArrayNode contents = body.putArray("contents");
        ArrayNode pendingResults = null;
        for (Message m : request.messages()) {
            switch (m.role()) {
                case "system" -> { }
                case "tool" -> {
                    if (pendingResults == null) {
                        pendingResults = contents.addObject().put("role", "user").putArray("parts");
                    }
                    ObjectNode fr = pendingResults.addObject().putObject("functionResponse");
                    fr.put("name", toolNames.getOrDefault(m.toolCallId(), m.toolCallId()));
                    fr.set("response", responseObject(m.text()));
                }
                default -> {
                    pendingResults = null;
                    boolean model = "assistant".equals(m.role());
                    ObjectNode turn = contents.addObject().put("role", model ? "model" : "user");
                    ArrayNode parts = turn.putArray("parts");
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.Text t) {
                            if (!t.text().isEmpty()) {
                                parts.addObject().put("text", t.text());
                            }
                        } else if (p instanceof ContentPart.Image i) {
                            Optional<DataUrl> data = DataUrl.parse(i.url());
                            if (data.isPresent()) {
                                parts.addObject().putObject("inlineData")
                                        .put("mimeType", data.get().mediaType()).put("data", data.get().base64());
                            } else {
                                parts.addObject().putObject("fileData")
                                        .put("mimeType", DataUrl.guessMediaType(i.url())).put("fileUri", i.url());
                            }
                        }
                    }
                    for (ToolCall c : m.toolCalls()) {
                        toolNames.put(c.id(), c.name());
                        parts.addObject().putObject("functionCall").put("name", c.name())
                                .set("args", ProviderJson.argumentsObject(c.arguments()));
                    }
                }
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (ToolDefinition t : request.tools()) {
                ObjectNode d = decls.addObject().put("name", t.name());
                if (t.description() != null) {
                    d.put("description", t.description());
                }
                if (t.parameters() != null && !t.parameters().isEmpty()) {
                    d.set("parameters", schema(ProviderJson.tree(t.parameters())));
                }
            }
        }
        GenerationOptions o = request.options();
        ObjectNode config = ProviderJson.object();
        if (o.temperature() != null) {
            config.put("temperature", o.temperature());
        }
        if (o.maxTokens() != null) {
            config.put("maxOutputTokens", o.maxTokens());
        }
        if (o.stop() != null && !o.stop().isEmpty()) {
            config.set("stopSequences", ProviderJson.tree(o.stop()));
        }
        if (o.topP() != null) {
            config.put("topP", o.topP());
        }
        if (o.extra().get("top_k") instanceof Number topK) {
            config.put("topK", topK.longValue());
        }
        if (o.seed() != null) {
            config.put("seed", o.seed());
        }
        if (o.presencePenalty() != null) {
            config.put("presencePenalty", o.presencePenalty());
        }
        if (o.frequencyPenalty() != null) {
            config.put("frequencyPenalty", o.frequencyPenalty());
        }
        if (o.toolChoice() != null) {
            // AUTO / NONE / ANY, and ANY restricted to one function for a named choice
            ObjectNode fcc = body.putObject("toolConfig").putObject("functionCallingConfig");
            if (o.toolChoice() instanceof ToolChoice.Function f) {
                fcc.put("mode", "ANY").putArray("allowedFunctionNames").add(f.name());
            } else {
                fcc.put("mode", o.toolChoice() instanceof ToolChoice.Required ? "ANY"
                        : o.toolChoice().kind().toUpperCase(java.util.Locale.ROOT));
            }
        }
        Map<String, Object> rf = o.responseFormat();
        if (rf != null && ("json_object".equals(rf.get("type")) || "json_schema".equals(rf.get("type")))) {
            config.put("responseMimeType", "application/json");
            if (rf.get("json_schema") instanceof Map<?, ?> js && js.get("schema") != null) {
                config.set("responseSchema", schema(ProviderJson.tree(js.get("schema"))));
            }
        }
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        return body;
    }

    /** A tool result as the object functionResponse wants: the JSON object itself, else {@code {content: text}}. */
    private static JsonNode responseObject(String text) {
        try {
            JsonNode n = ProviderJson.MAPPER.readTree(text);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (Exception notJson) {
            // plain text result
        }
        return ProviderJson.object().put("content", text);
    }

    /** Gemini's OpenAPI-subset schema refuses some JSON Schema keywords: drop them, recursively. */
    static JsonNode schema(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = ProviderJson.object();
            node.fields().forEachRemaining(e -> {
                if (!List.of("additionalProperties", "$schema", "strict", "$id").contains(e.getKey())) {
                    out.set(e.getKey(), schema(e.getValue()));
                }
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = ProviderJson.MAPPER.createArrayNode();
            node.forEach(n -> out.add(schema(n)));
            return out;
        }
        return node;
    }

    static String finishReason(String wire, boolean calledTools) {
        if (wire == null) {
            return null;
        }
        return switch (wire) {
            case "STOP" -> calledTools ? "tool_calls" : "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> calledTools ? "tool_calls" : "stop";
        };
    }

    /** Text and function calls of one response (or stream frame); calls numbered from {@code firstCall}. */
    record Parts(String text, List<ToolCall> calls) {}

    static Parts parts(JsonNode candidate, int firstCall) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode p : candidate.path("content").path("parts")) {
            if (p.path("thought").asBoolean(false)) {
                continue; // thought summaries are not the answer
            }
            if (p.path("text").isTextual()) {
                text.append(p.get("text").asText());
            }
            if (p.has("functionCall")) {
                JsonNode fc = p.get("functionCall");
                String id = fc.path("id").asText("call_" + (firstCall + calls.size()));
                calls.add(new ToolCall(id, fc.path("name").asText(), ProviderJson.write(fc.path("args").isMissingNode()
                        ? ProviderJson.object() : fc.get("args"))));
            }
        }
        return new Parts(text.toString(), calls);
    }

    static long completionTokens(JsonNode usage) {
        long c = ProviderJson.count(usage, "candidatesTokenCount");
        long thoughts = ProviderJson.count(usage, "thoughtsTokenCount");
        if (c < 0 && thoughts < 0) {
            return ProviderJson.count(usage, "promptTokenCount") >= 0 ? 0 : -1;
        }
        return Math.max(0, c) + Math.max(0, thoughts);
    }

    static ModelResponse response(JsonNode root, ModelRequest request, String provider, String model) {
        JsonNode candidate = root.path("candidates").path(0);
        boolean blocked = candidate.isMissingNode() && root.path("promptFeedback").has("blockReason");
        if (!candidate.isObject() && !blocked) {
            throw ProviderErrors.malformed(provider, "no candidates");
        }
        Parts parts = parts(candidate, 0);
        String finish;
        if (blocked) {
            finish = "content_filter";
        } else {
            finish = finishReason(candidate.path("finishReason").asText(null), !parts.calls().isEmpty());
        }
        JsonNode usage = root.path("usageMetadata");
        return new ModelResponse(provider, root.path("modelVersion").asText(model), parts.text(), parts.calls(), finish,
                null, HttpProvider.usage(ProviderJson.count(usage, "promptTokenCount"), completionTokens(usage),
                        request, parts.text(), model), 0);
    }

    /** @param dimensions {@code outputDimensionality}, or null for the model's size */
    static ObjectNode embedBody(List<String> inputs, String model, Integer dimensions) {
        ObjectNode body = ProviderJson.object();
        ArrayNode requests = body.putArray("requests");
        for (String input : inputs) {
            ObjectNode r = requests.addObject().put("model", "models/" + model);
            r.putObject("content").putArray("parts").addObject().put("text", input);
            if (dimensions != null) {
                r.put("outputDimensionality", dimensions);
            }
        }
        return body;
    }

    static ModelResponse embedResponse(JsonNode root, ModelRequest request, List<String> inputs, String provider, String model) {
        List<List<Double>> vectors = new ArrayList<>();
        for (JsonNode e : root.path("embeddings")) {
            List<Double> v = new ArrayList<>();
            e.path("values").forEach(x -> v.add(x.asDouble()));
            vectors.add(v);
        }
        if (vectors.size() != inputs.size()) {
            throw new IllegalStateException("embeddings count");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("embeddings", vectors);
        fields.put("dimensions", vectors.isEmpty() ? 0 : vectors.get(0).size());
        return new ModelResponse(provider, model, null, null, null, fields, HttpProvider.usage(-1, 0, request, null, model), 0);
    }
}
