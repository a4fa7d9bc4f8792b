package dev.braid.components.model.anthropic;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelRequest;
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
 * Anthropic's Messages API ({@code POST <baseUrl>/messages}, {@code x-api-key},
 * {@code anthropic-version}): chat, vision, tools, streaming, and sentiment through a forced answer
 * tool. No embeddings or moderation API.
 */
public final class AnthropicProvider extends HttpProvider {

    private final AnthropicSettings settings;

    public AnthropicProvider(AnthropicSettings settings) {
        super(settings.name(), new ProviderHttp(settings.name(), settings.limits(),
                settings.apiKey() == null ? List.of() : List.of(settings.apiKey())));
        this.settings = settings;
    }

    private URI messages() {
        return URI.create(settings.baseUrl() + "/messages");
    }

    private Map<String, String> headers() {
        return Map.of("x-api-key", settings.apiKey() == null ? "" : settings.apiKey(),
                "anthropic-version", settings.version());
    }

    /** What Anthropic's Messages API takes or has an equivalent for ({@code user} is {@code metadata.user_id}). */
    static final Set<String> HONOURED = Set.of("top_p", "tool_choice", "parallel_tool_calls", "user", "top_k");

    @Override
    protected CompletableFuture<ModelResponse> chat(ModelRequest request, Target target) {
        refuseUnsupported(request, HONOURED);
        String model = target.model();
        return http.map(http.postJson(messages(), headers(),
                        AnthropicWire.body(request, model, settings.defaultMaxTokens(), false),
                        http.limits().forTarget(target), model),
                root -> AnthropicWire.response(root, request, name, model));
    }

    @Override
    protected CompletableFuture<ModelResponse> streamChat(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
        refuseUnsupported(request, HONOURED);
        String model = target.model();
        return http.map(http.postStream(messages(), headers(),
                AnthropicWire.body(request, model, settings.defaultMaxTokens(), true),
                http.limits().forTarget(target), model,
                new AnthropicStreamDecoder(name, model, request, sink, http.secrets())), r -> r);
    }
}
