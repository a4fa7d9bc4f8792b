package dev.braid.server.providers;

import dev.braid.components.model.anthropic.AnthropicProvider;
import dev.braid.components.model.anthropic.AnthropicSettings;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.azure.AzureOpenAiProvider;
import dev.braid.components.model.azure.AzureOpenAiSettings;
import dev.braid.components.model.gemini.GeminiProvider;
import dev.braid.components.model.gemini.GeminiSettings;
import dev.braid.components.model.http.HttpLimits;
import dev.braid.components.model.ollama.OllamaProvider;
import dev.braid.components.model.ollama.OllamaSettings;
import dev.braid.components.model.openai.OpenAiProvider;
import dev.braid.components.model.openai.OpenAiSettings;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Builds the adapter for a provider's settings (one per {@link ProviderType}); empty when this build
 * has no adapter for a type. Adapters share nothing, so each configured name is its own provider.
 */
@Singleton
public class ProviderAdapters {

    public Optional<ModelProvider> build(ProviderSettings s) {
        return switch (s.type()) {
            case OPENAI -> Optional.of(new OpenAiProvider(
                    new OpenAiSettings(s.name(), s.baseUrl(), s.apiKey(), HttpLimits.DEFAULTS, s.reasoningParameters())));
            case AZURE_OPENAI -> {
                if (s.baseUrl() == null) {
                    throw new IllegalStateException("braid.providers." + s.name()
                            + ": azure-openai needs base-url (https://<resource>.openai.azure.com)");
                }
                yield Optional.of(new AzureOpenAiProvider(new AzureOpenAiSettings(
                        s.name(), s.baseUrl(), s.apiKey(), s.apiVersion(), s.deployments(), HttpLimits.DEFAULTS)));
            }
            case ANTHROPIC -> Optional.of(new AnthropicProvider(new AnthropicSettings(s.name(), s.baseUrl(), s.apiKey(),
                    s.apiVersion(), AnthropicSettings.DEFAULT_MAX_TOKENS, HttpLimits.DEFAULTS)));
            case GEMINI -> Optional.of(new GeminiProvider(
                    new GeminiSettings(s.name(), s.baseUrl(), s.apiKey(), HttpLimits.DEFAULTS)));
            case OLLAMA -> Optional.of(new OllamaProvider(
                    new OllamaSettings(s.name(), s.baseUrl(), s.apiKey(), HttpLimits.DEFAULTS)));
        };
    }
}
