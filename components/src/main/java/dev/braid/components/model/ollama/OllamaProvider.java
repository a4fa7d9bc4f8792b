package dev.braid.components.model.ollama;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.ProviderHttp;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Ollama: {@code /api/chat} (NDJSON streaming) and {@code /api/embed}. Chat, vision (data: images),
 * tools, streaming, sentiment ({@code format} = schema) and embeddings; no moderation API.
 */
public final class OllamaProvider extends HttpProvider {

    private final OllamaSettings settings;

    public OllamaProvider(OllamaSettings settings) {
        super(settings.name(), new ProviderHttp(settings.name(), settings.limits(),
                settings.apiKey() == null ? List.of() : List.of(settings.apiKey())));
        this.settings = settings;
    }

    private URI uri(String path) {
        return URI.create(settings.baseUrl() + path);
    }

    private Map<String, String> headers() {
        String key = settings.apiKey();
        return key == null || key.isEmpty() ? Map.of() : Map.of("authorization", "Bearer " + key);
    }

    /**
     * What Ollama's {@code /api/chat} takes (sampling options, {@code think}); of {@code tool_choice}
     * only auto and none, which it can express (none sends no tools).
     */
    static final Set<String> HONOURED = Set.of("top_p", "top_k", "seed", "presence_penalty", "frequency_penalty",
            "reasoning_effort", "tool_choice");

    private void refuse(ModelRequest request) {
        refuseUnsupported(request, HONOURED);
        ToolChoice choice = request.options().toolChoice();
        if (choice instanceof ToolChoice.Required || choice instanceof ToolChoice.Function) {
            throw ModelException.UnsupportedParameter.of("tool_choice", name);
        }
    }

    @Override
    protected CompletableFuture<ModelResponse> chat(ModelRequest request, Target target) {
        refuse(request);
        String model = target.model();
        return http.map(http.postJson(uri("/api/chat"), headers(), OllamaWire.chatBody(request, model, false),
                        http.limits().forTarget(target), model),
                root -> OllamaWire.chatResponse(root, request, name, model));
    }

    @Override
    protected CompletableFuture<ModelResponse> streamChat(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
        refuse(request);
        String model = target.model();
        return http.map(http.postStream(uri("/api/chat"), headers(), OllamaWire.chatBody(request, model, true),
                http.limits().forTarget(target), model,
                new OllamaStreamDecoder(name, model, request, sink, http.secrets())), r -> r);
    }

    @Override
    protected CompletableFuture<ModelResponse> embeddings(ModelRequest request, Target target) {
        if (!request.tokenInputs().isEmpty()) {
            throw new ModelException.UnsupportedParameter("input",
                    "provider '" + name + "' embeds texts only: 'input' as token ids is not supported");
        }
        if (request.options().dimensions() != null) {
            throw ModelException.UnsupportedParameter.of("dimensions", name);
        }
        String model = target.model();
        List<String> inputs = inputs(request);
        return http.map(http.postJson(uri("/api/embed"), headers(), OllamaWire.embedBody(inputs, model),
                        http.limits().forTarget(target), model),
                root -> OllamaWire.embedResponse(root, request, inputs, name, model));
    }
}
