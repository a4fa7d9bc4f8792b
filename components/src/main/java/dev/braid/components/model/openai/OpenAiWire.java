package dev.braid.components.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The unified model to and from OpenAI's Chat Completions, Embeddings and Moderations wire format. */
final class OpenAiWire {

    private OpenAiWire() {}

    /**
     * OpenAI's reasoning models: the o-series ({@code o1}, {@code o3-mini}, {@code o4-mini} …) and
     * the gpt-5 family except {@code gpt-5-chat}, which is a chat model. A dated or suffixed name
     * ({@code o3-2025-04-16}) is the same model.
     */
    static boolean isReasoningModel(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return REASONING.matcher(m).matches() || m.startsWith("gpt-5") && !m.startsWith("gpt-5-chat");
    }

    private static final Pattern REASONING = Pattern.compile("o\\d+(-.*)?");

    /**
     * @param reasoningParameters whether a reasoning model gets {@code max_completion_tokens} and no
     *     {@code temperature} (OpenAI and Azure reject {@code max_tokens} and a non-default temperature
     *     for them); compatible servers get {@code max_tokens} as given
     */
    static ObjectNode chatBody(ModelRequest request, String model, boolean stream, boolean reasoningParameters) {
        return chatBody(request, model, stream, reasoningParameters, true);
    }

    /** @param streamOptions whether a stream asks for its usage ({@code stream_options.include_usage}) */
    static ObjectNode chatBody(
            ModelRequest request, String model, boolean stream, boolean reasoningParameters, boolean streamOptions) {
        ObjectNode body = ProviderJson.object();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (Message m : request.messages()) {
            messages.add(message(m));
        }
        ProviderJson.functionTools(body, request.tools());
        GenerationOptions o = request.options();
        boolean reasoning = reasoningParameters && isReasoningModel(model);
        if (o.temperature() != null && !reasoning) {
            body.put("temperature", o.temperature());
        }
        if (o.maxTokens() != null) {
            body.put(reasoning ? "max_completion_tokens" : "max_tokens", o.maxTokens());
        }
        if (o.stop() != null && !o.stop().isEmpty()) {
            body.set("stop", ProviderJson.tree(o.stop()));
        }
        if (o.responseFormat() != null) {
            body.set("response_format", ProviderJson.tree(o.responseFormat()));
        }
        if (stream) {
            body.put("stream", true);
            if (streamOptions) {
                // without it OpenAI never reports usage on a stream
                body.putObject("stream_options").put("include_usage", true);
            }
        }
        return body;
    }

    private static ObjectNode message(Message m) {
        ObjectNode out = ProviderJson.object();
        out.put("role", m.role());
        switch (m.role()) {
            case "tool" -> {
                out.put("tool_call_id", m.toolCallId());
                out.put("content", m.text());
            }
            case "assistant" -> {
                if (m.toolCalls().isEmpty()) {
                    out.put("content", m.text());
                } else {
                    if (m.text().isEmpty()) {
                        out.putNull("content");
                    } else {
                        out.put("content", m.text());
                    }
                    ArrayNode calls = out.putArray("tool_calls");
                    for (ToolCall c : m.toolCalls()) {
                        ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                        call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                    }
                }
            }
            default -> {
                boolean textOnly = m.content().stream().allMatch(p -> p instanceof ContentPart.Text);
                if (textOnly) {
                    out.put("content", m.text());
                } else {
                    ArrayNode parts = out.putArray("content");
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.Text t) {
                            parts.addObject().put("type", "text").put("text", t.text());
                        } else if (p instanceof ContentPart.Image i) {
                            parts.addObject().put("type", "image_url").putObject("image_url").put("url", i.url());
                        }
                    }
                }
            }
        }
        return out;
    }

    static ModelResponse chatResponse(JsonNode root, ModelRequest request, String provider, String model) {
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.path("message");
        if (!message.isObject()) {
            // no choice, or a choice without a message: not an answer, whatever the status said
            throw ProviderErrors.malformed(provider, "no choices");
        }
        String text = message.path("content").isTextual() ? message.get("content").asText() : null;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : message.path("tool_calls")) {
            JsonNode fn = c.path("function");
            calls.add(new ToolCall(c.path("id").asText(null), fn.path("name").asText(null),
                    fn.path("arguments").asText("")));
        }
        JsonNode usage = root.path("usage");
        return new ModelResponse(provider, root.path("model").asText(model), text == null && !calls.isEmpty() ? null
                : (text == null ? "" : text), calls, finishReason(choice.path("finish_reason").asText(null)), null,
                HttpProvider.usage(ProviderJson.count(usage, "prompt_tokens"), ProviderJson.count(usage, "completion_tokens"),
                        request, text, model), 0);
    }

    static String finishReason(String wire) {
        if (wire == null) {
            return null;
        }
        return "function_call".equals(wire) ? "tool_calls" : wire;
    }

    static ObjectNode inputsBody(List<String> inputs, String model) {
        ObjectNode body = ProviderJson.object();
        body.put("model", model);
        body.set("input", ProviderJson.tree(inputs));
        return body;
    }

    static ModelResponse embeddingsResponse(JsonNode root, ModelRequest request, List<String> inputs, String provider, String model) {
        List<List<Double>> vectors = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            vectors.add(null);
        }
        for (JsonNode d : root.path("data")) {
            int index = d.path("index").asInt(vectors.indexOf(null));
            List<Double> v = new ArrayList<>();
            d.path("embedding").forEach(x -> v.add(x.asDouble()));
            vectors.set(index, v);
        }
        if (vectors.contains(null)) {
            throw new IllegalStateException("missing embedding");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("embeddings", vectors);
        fields.put("dimensions", vectors.isEmpty() ? 0 : vectors.get(0).size());
        return new ModelResponse(provider, root.path("model").asText(model), null, null, null, fields,
                HttpProvider.usage(ProviderJson.count(root.path("usage"), "prompt_tokens"), 0, request, null, model), 0);
    }

    static ModelResponse moderationResponse(JsonNode root, ModelRequest request, String provider, String model) {
        List<Map<String, Object>> results = new ArrayList<>();
        boolean flagged = false;
        Map<String, Boolean> categories = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (JsonNode r : root.path("results")) {
            Map<String, Object> one = new LinkedHashMap<>();
            boolean f = r.path("flagged").asBoolean(false);
            flagged |= f;
            Map<String, Boolean> cats = new LinkedHashMap<>();
            r.path("categories").fields().forEachRemaining(e -> cats.put(e.getKey(), e.getValue().asBoolean(false)));
            Map<String, Double> sc = new LinkedHashMap<>();
            r.path("category_scores").fields().forEachRemaining(e -> sc.put(e.getKey(), e.getValue().asDouble()));
            cats.forEach((k, v) -> categories.merge(k, v, Boolean::logicalOr));
            sc.forEach((k, v) -> scores.merge(k, v, Math::max));
            one.put("flagged", f);
            one.put("categories", cats);
            one.put("categoryScores", sc);
            results.add(one);
        }
        if (results.isEmpty()) {
            throw new IllegalStateException("no moderation results");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("flagged", flagged);
        fields.put("categories", categories);
        fields.put("categoryScores", scores);
        if (results.size() > 1) {
            fields.put("results", results);
        }
        return new ModelResponse(provider, root.path("model").asText(model), null, null, null, fields,
                HttpProvider.usage(-1, 0, request, null, model), 0);
    }
}
