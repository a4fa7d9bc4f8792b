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
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.api.ToolDefinition;
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
        GenerationOptions o = request.options();
        functionTools(body, request.tools());
        if (o.toolChoice() != null) {
            body.set("tool_choice", toolChoice(o.toolChoice()));
        }
        if (o.parallelToolCalls() != null) {
            body.put("parallel_tool_calls", o.parallelToolCalls());
        }
        boolean reasoning = reasoningParameters && isReasoningModel(model);
        if (o.temperature() != null && !reasoning) {
            body.put("temperature", o.temperature());
        }
        if (o.topP() != null) {
            body.put("top_p", o.topP());
        }
        if (o.maxTokens() != null) {
            // the caller's spelling when it gave one; a reasoning model at OpenAI takes only the new one
            String field = reasoning ? "max_completion_tokens"
                    : o.maxTokensField() != null ? o.maxTokensField() : "max_tokens";
            body.put(field, o.maxTokens());
        }
        if (o.stop() != null && !o.stop().isEmpty()) {
            body.set("stop", ProviderJson.tree(o.stop()));
        }
        if (o.responseFormat() != null) {
            body.set("response_format", ProviderJson.tree(o.responseFormat()));
        }
        if (o.seed() != null) {
            body.put("seed", o.seed());
        }
        if (o.n() != null) {
            body.put("n", o.n());
        }
        if (o.presencePenalty() != null) {
            body.put("presence_penalty", o.presencePenalty());
        }
        if (o.frequencyPenalty() != null) {
            body.put("frequency_penalty", o.frequencyPenalty());
        }
        if (o.logprobs() != null) {
            body.put("logprobs", o.logprobs());
        }
        if (o.topLogprobs() != null) {
            body.put("top_logprobs", o.topLogprobs());
        }
        if (o.reasoningEffort() != null) {
            body.put("reasoning_effort", o.reasoningEffort());
        }
        if (o.user() != null) {
            body.put("user", o.user());
        }
        if (o.metadata() != null) {
            body.set("metadata", ProviderJson.tree(o.metadata()));
        }
        // fields Braid does not model go to an OpenAI-compatible server as the caller wrote them
        o.extra().forEach((k, v) -> {
            if (!body.has(k) && !"stream".equals(k) && !"stream_options".equals(k)) {
                body.set(k, ProviderJson.tree(v));
            }
        });
        if (stream) {
            body.put("stream", true);
            if (streamOptions) {
                // without it OpenAI never reports usage on a stream
                body.putObject("stream_options").put("include_usage", true);
            }
        }
        return body;
    }

    /** {@code tools} in the Chat Completions shape, with each function's {@code strict} when given. */
    private static void functionTools(ObjectNode body, List<ToolDefinition> tools) {
        ProviderJson.functionTools(body, tools);
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i).strict() != null) {
                ((ObjectNode) body.get("tools").get(i).get("function")).put("strict", tools.get(i).strict());
            }
        }
    }

    /** OpenAI's {@code tool_choice}: a word, or {@code {type: function, function: {name}}}. */
    static JsonNode toolChoice(ToolChoice choice) {
        if (choice instanceof ToolChoice.Function f) {
            ObjectNode named = ProviderJson.object().put("type", "function");
            named.putObject("function").put("name", f.name());
            return named;
        }
        return ProviderJson.MAPPER.getNodeFactory().textNode(choice.kind());
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
        Map<String, Object> fields = null;
        if (choice.path("logprobs").isObject()) {
            // asked for with logprobs: handed back as the provider gave them
            fields = Map.of(ModelResponse.LOGPROBS_FIELD, ProviderJson.toMap(choice.get("logprobs")));
        }
        return new ModelResponse(provider, root.path("model").asText(model), text == null && !calls.isEmpty() ? null
                : (text == null ? "" : text), calls, finishReason(choice.path("finish_reason").asText(null)), fields,
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

    /** An embeddings body: texts or token ids as given, and {@code dimensions} when asked for. */
    static ObjectNode embeddingsBody(ModelRequest request, List<String> inputs, String model) {
        ObjectNode body = ProviderJson.object();
        body.put("model", model);
        body.set("input", ProviderJson.tree(request.tokenInputs().isEmpty() ? inputs : request.tokenInputs()));
        if (request.options().dimensions() != null) {
            body.put("dimensions", request.options().dimensions());
        }
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
