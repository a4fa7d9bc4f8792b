package dev.braid.components.model.gemini;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.ProviderHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Google Gemini: {@code models/<model>:generateContent}, {@code :streamGenerateContent?alt=sse}
 * and {@code :batchEmbedContents}, key in the {@code x-goog-api-key} header. Chat, vision, tools,
 * streaming, sentiment (responseSchema) and embeddings; no moderation API.
 */
public final class GeminiProvider extends HttpProvider {

    private final GeminiSettings settings;

    public GeminiProvider(GeminiSettings settings) {
        super(settings.name(), new ProviderHttp(settings.name(), settings.limits(),
                settings.apiKey() == null ? List.of() : List.of(settings.apiKey())));
        this.settings = settings;
    }

    private URI uri(String model, String method) {
        return URI.create(settings.baseUrl() + "/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + ":" + method);
    }

    private Map<String, String> headers() {
        return Map.of("x-goog-api-key", settings.apiKey() == null ? "" : settings.apiKey());
    }

    /** What Gemini's generateContent takes or has an equivalent for (tool_choice as toolConfig). */
    static final Set<String> HONOURED = Set.of("top_p", "top_k", "seed", "presence_penalty", "frequency_penalty",
            "tool_choice");

    @Override
    protected CompletableFuture<ModelResponse> chat(ModelRequest request, Target target) {
        refuseUnsupported(request, HONOURED);
        String model = target.model();
        return http.map(http.postJson(uri(model, "generateContent"), headers(), GeminiWire.body(request),
                        http.limits().forTarget(target), model),
                root -> GeminiWire.response(root, request, name, model));
    }

    @Override
    protected CompletableFuture<ModelResponse> streamChat(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
        refuseUnsupported(request, HONOURED);
        String model = target.model();
        return http.map(http.postStream(uri(model, "streamGenerateContent?alt=sse"), headers(), GeminiWire.body(request),
                http.limits().forTarget(target), model,
                new GeminiStreamDecoder(name, model, request, sink, http.secrets())), r -> r);
    }

    @Override
    protected CompletableFuture<ModelResponse> embeddings(ModelRequest request, Target target) {
        if (!request.tokenInputs().isEmpty()) {
            throw new ModelException.UnsupportedParameter("input",
                    "provider '" + name + "' embeds texts only: 'input' as token ids is not supported");
        }
        String model = target.model();
        List<String> inputs = inputs(request);
        return http.map(http.postJson(uri(model, "batchEmbedContents"), headers(),
                        GeminiWire.embedBody(inputs, model, request.options().dimensions()),
                        http.limits().forTarget(target), model),
                root -> GeminiWire.embedResponse(root, request, inputs, name, model));
    }
}
