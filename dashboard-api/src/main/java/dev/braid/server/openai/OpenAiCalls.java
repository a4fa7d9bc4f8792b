package dev.braid.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.ToolCall;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.server.access.Access;
import dev.braid.server.access.ApiKey;
import dev.braid.server.calls.Caller;
import dev.braid.server.calls.MeteredCalls;
import dev.braid.server.calls.PipelineAnswers;
import dev.braid.server.calls.Source;
import dev.braid.server.http.ProblemException;
import dev.braid.server.models.ChatModels;
import dev.braid.server.models.ChatTarget;
import dev.braid.server.releases.LiveReleases;
import dev.braid.server.releases.Route;
import dev.braid.server.releases.Shadows;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Chat completions and embeddings answered at once, from a parsed body and a {@link Caller}
 * without an HTTP request: what a batch line runs. The checks, the scope test, the routing and
 * the answer's shape are the controller's own, so a line gets the body a live call would get.
 * A refusal fails the stage with a {@link ProblemException} holding the live call's problem.
 */
@Singleton
public class OpenAiCalls {

    private final ChatModels models;
    private final ObjectMapper json;
    private final MeteredCalls calls;
    private final LiveReleases releases;
    private final Shadows shadows;

    public OpenAiCalls(ChatModels models, ObjectMapper json, MeteredCalls calls, LiveReleases releases, Shadows shadows) {
        this.models = models;
        this.json = json;
        this.calls = calls;
        this.releases = releases;
        this.shadows = shadows;
    }

    /**
     * {@code POST /v1/chat/completions} without streaming ({@code stream} is ignored: a batch line
     * has no one to stream to).
     *
     * @param key the caller's key, whose scopes apply (null: authentication off)
     */
    public CompletionStage<JsonNode> chat(Caller caller, Source source, ApiKey key, JsonNode body, long bytes) {
        try {
            ChatCompletionRequest chat = ChatCompletionRequest.read(body, json);
            Access.requireModel(key, chat.model());
            ChatTarget target = models.resolve(chat.model());
            ChatWire wire = new ChatWire(json, chat.model());
            if (target instanceof ChatTarget.Routed routed) {
                return calls.chat(caller, source, chat.model(), routed.policy(), chat.toModelRequest(), bytes)
                        .thenApply(r -> wire.completion(r.text(), r.toolCalls(), r.finishReason(), r.usage(),
                                r.fields().get(ModelResponse.LOGPROBS_FIELD)));
            }
            // a pipeline's release (canary split, shadow) applies to a batch line as to a live call;
            // a line has no headers, so no Braid-Pipeline-Version pin
            String pipeline = ((ChatTarget.Pipeline) target).name();
            Route route = releases.route(pipeline, null, caller.keyId(), h -> null);
            return shadows.invoke(route, caller, source, pipeline, chat.pipelineInput(), bytes)
                    .thenApply(result -> pipelineCompletion(wire, result));
        } catch (RequestInvalid e) {
            return CompletableFuture.failedFuture(new ProblemException(e.problem()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code POST /v1/embeddings}. */
    public CompletionStage<JsonNode> embeddings(Caller caller, Source source, ApiKey key, JsonNode body) {
        try {
            EmbeddingsRequest request = EmbeddingsRequest.read(body);
            Access.requireModel(key, request.model());
            ChatTarget.Routed routed = routedEmbeddings(request.model());
            return calls.embeddings(caller, source, request.model(), routed.policy(), request.request())
                    .thenApply(r -> embeddingList(request.model(), r, request.base64()));
        } catch (RequestInvalid e) {
            return CompletableFuture.failedFuture(new ProblemException(e.problem()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    ChatTarget.Routed routedEmbeddings(String model) {
        ChatTarget target = models.resolve(model);
        if (!(target instanceof ChatTarget.Routed routed)) {
            throw new RequestInvalid("model", "a pipeline does not serve embeddings; use <provider>/<model> or an alias");
        }
        return routed;
    }

    /** An embeddings body: the model, the request (texts or token ids, dimensions) and whether vectors go out as base64. */
    record EmbeddingsRequest(String model, ModelRequest request, boolean base64) {

        static EmbeddingsRequest read(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw new RequestInvalid(null, "the request body must be a JSON object");
            }
            String model = ModelNames.checked(ChatCompletionRequest.requiredString(root, "model"));
            ModelRequest request = embeddingRequest(root);
            String format = root.path("encoding_format").asText("float");
            if (!"float".equals(format) && !"base64".equals(format)) {
                throw new RequestInvalid("encoding_format", "'encoding_format' must be float or base64");
            }
            return new EmbeddingsRequest(model, request, "base64".equals(format));
        }
    }

    ObjectNode embeddingList(String model, ModelResponse response, boolean base64) {
        Object vectors = response.fields().get("embeddings");
        if (!(vectors instanceof List<?> list)) {
            throw new IllegalStateException("provider " + response.provider() + " returned no embeddings");
        }
        ObjectNode root = json.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < list.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            List<?> vector = (List<?>) list.get(i);
            if (base64) {
                // OpenAI's base64 form: little-endian float32s
                ByteBuffer bytes = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                vector.forEach(v -> bytes.putFloat(((Number) v).floatValue()));
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                vector.forEach(v -> values.add(((Number) v).doubleValue()));
            }
        }
        root.put("model", model);
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", response.usage().promptTokens());
        usage.put("total_tokens", response.usage().promptTokens());
        return root;
    }

    /**
     * A chat completion from a pipeline's answer: its tool calls when it made some (finish reason
     * {@code tool_calls}), else its text.
     */
    ObjectNode pipelineCompletion(ChatWire wire, InvocationResult result) {
        List<ToolCall> toolCalls = PipelineAnswers.toolCalls(result);
        String text = toolCalls.isEmpty() ? textOf(result) : PipelineAnswers.textOrNull(result);
        return wire.completion(text, toolCalls, toolCalls.isEmpty() ? "stop" : "tool_calls", result.usage(), null);
    }

    /**
     * {@code input} as OpenAI takes it: a string, an array of strings, an array of token ids (one
     * input) or an array of token-id arrays; and {@code dimensions}. Token ids and {@code dimensions}
     * reach providers that take them; the others answer 400 {@code unsupported_parameter}.
     */
    static ModelRequest embeddingRequest(JsonNode root) {
        JsonNode input = root.get("input");
        List<String> texts = new ArrayList<>();
        List<List<Integer>> tokens = new ArrayList<>();
        String shape = "'input' must be a string, an array of strings, an array of token ids or an array of token-id arrays";
        if (input != null && input.isTextual()) {
            texts.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            if (input.get(0).isIntegralNumber()) {
                tokens.add(tokenIds(input, shape));
            } else {
                for (JsonNode item : input) {
                    if (item.isTextual() && tokens.isEmpty()) {
                        texts.add(item.asText());
                    } else if (item.isArray() && !item.isEmpty() && texts.isEmpty()) {
                        tokens.add(tokenIds(item, shape));
                    } else {
                        throw new RequestInvalid("input", shape);
                    }
                }
            }
        } else {
            throw new RequestInvalid("input", shape);
        }
        Integer dimensions = null;
        JsonNode d = root.get("dimensions");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 65536) {
                throw new RequestInvalid("dimensions", "'dimensions' must be a positive integer");
            }
            dimensions = d.asInt();
        }
        return new ModelRequest(ModelTask.EMBEDDINGS, null, texts, null,
                GenerationOptions.builder().dimensions(dimensions).build(), tokens);
    }

    private static List<Integer> tokenIds(JsonNode array, String shape) {
        List<Integer> ids = new ArrayList<>(array.size());
        for (JsonNode id : array) {
            if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() > Integer.MAX_VALUE) {
                throw new RequestInvalid("input", shape);
            }
            ids.add(id.asInt());
        }
        return ids;
    }

    /** The assistant text of a pipeline answer (see {@link PipelineAnswers#text}). */
    String textOf(InvocationResult result) {
        return PipelineAnswers.text(result, json);
    }
}
