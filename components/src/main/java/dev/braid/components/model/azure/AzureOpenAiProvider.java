package dev.braid.components.model.azure;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.openai.OpenAiEndpoints;
import dev.braid.components.model.openai.OpenAiProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Azure OpenAI: the OpenAI wire format at
 * {@code <endpoint>/openai/deployments/<deployment>/<operation>?api-version=<v>} with an
 * {@code api-key} header. Chat (streaming included), vision, tools, sentiment and embeddings; Azure
 * has no {@code /moderations} (its content filter runs on every call instead).
 */
public final class AzureOpenAiProvider implements ModelProvider {

    private final OpenAiProvider wire;

    public AzureOpenAiProvider(AzureOpenAiSettings settings) {
        OpenAiEndpoints endpoints = new OpenAiEndpoints() {
            @Override
            public URI uri(String operation, String model) {
                return URI.create(settings.endpoint() + "/openai/deployments/"
                        + URLEncoder.encode(settings.deployment(model), StandardCharsets.UTF_8) + "/" + operation
                        + "?api-version=" + URLEncoder.encode(settings.apiVersion(), StandardCharsets.UTF_8));
            }

            @Override
            public Map<String, String> headers() {
                return Map.of("api-key", settings.apiKey());
            }

            @Override
            public boolean serves(ModelTask task) {
                return task != ModelTask.MODERATION;
            }
        };
        // Azure's o-series and gpt-5 deployments take OpenAI's reasoning parameters; the target's model
        // name (mapped to a deployment by settings) is what tells them apart
        this.wire = new OpenAiProvider(settings.name(), endpoints, settings.limits(), settings.apiKey(), true);
    }

    @Override
    public String name() {
        return wire.name();
    }

    @Override
    public CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
        return wire.call(request, target);
    }

    @Override
    public boolean supportsStreaming() {
        return true;
    }

    @Override
    public CompletionStage<ModelResponse> stream(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
        return wire.stream(request, target, sink);
    }
}
