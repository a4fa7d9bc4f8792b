package dev.braid.components.model.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Sentiment on top of an LLM's chat: one chat call per input asking for a JSON-schema answer
 * {@code {label, score}} (each adapter turns {@code response_format} into its own form), parsed into
 * the same fields the local lexicon gives: {@code label}, {@code score} in [-1, 1], and
 * {@code results} when there is more than one input (then the top level is the mean score and
 * the most frequent label).
 */
public final class LlmSentiment {

    public static final String INSTRUCTION = "Classify the sentiment of the user's text. Answer only with JSON: "
            + "label is positive, negative or neutral; score is a number from -1 (very negative) to 1 (very positive).";

    /** The OpenAI-shaped {@code response_format} every adapter translates. */
    public static final Map<String, Object> RESPONSE_FORMAT = Map.of(
            "type", "json_schema",
            "json_schema", Map.of(
                    "name", "sentiment",
                    "strict", true,
                    "schema", Map.of(
                            "type", "object",
                            "properties", Map.of(
                                    "label", Map.of("type", "string", "enum", List.of("positive", "negative", "neutral")),
                                    "score", Map.of("type", "number")),
                            "required", List.of("label", "score"),
                            "additionalProperties", false)));

    private LlmSentiment() {}

    public static ModelRequest chatRequest(String text) {
        return new ModelRequest(ModelTask.CHAT, List.of(Message.system(INSTRUCTION), Message.user(text)), null, null,
                new GenerationOptions(0.0, 100, null, RESPONSE_FORMAT));
    }

    static CompletableFuture<ModelResponse> classify(
            ModelRequest request, Function<ModelRequest, CompletableFuture<ModelResponse>> chat,
            String provider, String model) {
        List<String> inputs = !request.inputs().isEmpty() ? request.inputs()
                : request.lastUserText().isEmpty() ? List.of() : List.of(request.lastUserText());
        if (inputs.isEmpty()) {
            return CompletableFuture.failedFuture(new ModelException.ProviderError(
                    provider, 400, "sentiment needs an input text", null));
        }
        List<CompletableFuture<ModelResponse>> calls = inputs.stream().map(i -> chat.apply(chatRequest(i))).toList();
        CompletableFuture<ModelResponse> out = new CompletableFuture<>();
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
            if (error != null) {
                for (CompletableFuture<ModelResponse> c : calls) {
                    if (c.isCompletedExceptionally()) {
                        c.whenComplete((r, e) -> out.completeExceptionally(unwrap(e)));
                        return;
                    }
                }
            }
            try {
                List<Map<String, Object>> results = new ArrayList<>();
                Usage usage = Usage.ZERO;
                for (CompletableFuture<ModelResponse> c : calls) {
                    ModelResponse r = c.join();
                    results.add(parse(r.text(), provider));
                    usage = usage.plus(r.usage());
                }
                out.complete(new ModelResponse(provider, model, null, null, "stop", combine(results), usage, 0));
            } catch (ModelException e) {
                out.completeExceptionally(e);
            }
        });
        out.whenComplete((r, e) -> {
            if (out.isCancelled()) {
                calls.forEach(c -> c.cancel(true));
            }
        });
        return out;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** {@code {label, score}} out of the model's JSON answer; anything else is a malformed answer. */
    public static Map<String, Object> parse(String text, String provider) {
        try {
            String t = text == null ? "" : text.strip();
            if (t.startsWith("```")) { // some models fence JSON even when told not to
                t = t.replaceAll("^```(?:json)?\\s*", "").replaceAll("\\s*```$", "");
            }
            JsonNode node = ProviderJson.MAPPER.readTree(t);
            String label = node.path("label").asText("").toLowerCase(java.util.Locale.ROOT);
            if (!List.of("positive", "negative", "neutral").contains(label) || !node.path("score").isNumber()) {
                throw ProviderErrors.malformed(provider, "sentiment answer without label and score");
            }
            double score = Math.max(-1.0, Math.min(1.0, node.get("score").asDouble()));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("label", label);
            f.put("score", score);
            return f;
        } catch (ModelException e) {
            throw e;
        } catch (Exception e) {
            throw ProviderErrors.malformed(provider, "sentiment answer is not JSON");
        }
    }

    static Map<String, Object> combine(List<Map<String, Object>> results) {
        if (results.size() == 1) {
            return results.get(0);
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        double sum = 0;
        for (Map<String, Object> r : results) {
            votes.merge((String) r.get("label"), 1, Integer::sum);
            sum += (Double) r.get("score");
        }
        String label = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("label", label);
        f.put("score", Math.round(sum / results.size() * 10_000) / 10_000.0);
        f.put("results", results);
        return f;
    }
}
