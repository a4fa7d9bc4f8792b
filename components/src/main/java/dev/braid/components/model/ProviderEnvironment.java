package dev.braid.components.model;

import dev.braid.components.model.anthropic.AnthropicProvider;
import dev.braid.components.model.anthropic.AnthropicSettings;
import dev.braid.components.model.azure.AzureOpenAiProvider;
import dev.braid.components.model.azure.AzureOpenAiSettings;
import dev.braid.components.model.gemini.GeminiProvider;
import dev.braid.components.model.gemini.GeminiSettings;
import dev.braid.components.model.http.HttpLimits;
import dev.braid.components.model.ollama.OllamaProvider;
import dev.braid.components.model.ollama.OllamaSettings;
import dev.braid.components.model.openai.OpenAiProvider;
import dev.braid.components.model.openai.OpenAiSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Provider settings from environment variables, read from a map (tests pass one, the server
 * passes {@code System.getenv()}): {@code OPENAI_API_KEY} (+ {@code OPENAI_BASE_URL}),
 * {@code ANTHROPIC_API_KEY} (+ {@code ANTHROPIC_BASE_URL}), {@code GEMINI_API_KEY}
 * (+ {@code GEMINI_BASE_URL}), {@code AZURE_OPENAI_API_KEY} with {@code AZURE_OPENAI_ENDPOINT}
 * (+ {@code AZURE_OPENAI_API_VERSION}), {@code OLLAMA_BASE_URL}. A provider whose variables are
 * missing or blank is simply not configured.
 */
public final class ProviderEnvironment {

    private final Map<String, String> env;
    private final HttpLimits limits;

    public ProviderEnvironment(Map<String, String> env) {
        this(env, HttpLimits.DEFAULTS);
    }

    public ProviderEnvironment(Map<String, String> env, HttpLimits limits) {
        this.env = Map.copyOf(env);
        this.limits = limits;
    }

    private Optional<String> get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public Optional<OpenAiSettings> openAi() {
        return get("OPENAI_API_KEY").map(key -> new OpenAiSettings(OpenAiSettings.DEFAULT_NAME,
                get("OPENAI_BASE_URL").orElse(OpenAiSettings.DEFAULT_BASE_URL), key, limits));
    }

    public Optional<AnthropicSettings> anthropic() {
        return get("ANTHROPIC_API_KEY").map(key -> new AnthropicSettings(AnthropicSettings.DEFAULT_NAME,
                get("ANTHROPIC_BASE_URL").orElse(AnthropicSettings.DEFAULT_BASE_URL), key,
                AnthropicSettings.DEFAULT_VERSION, AnthropicSettings.DEFAULT_MAX_TOKENS, limits));
    }

    public Optional<GeminiSettings> gemini() {
        return get("GEMINI_API_KEY").map(key -> new GeminiSettings(GeminiSettings.DEFAULT_NAME,
                get("GEMINI_BASE_URL").orElse(GeminiSettings.DEFAULT_BASE_URL), key, limits));
    }

    public Optional<AzureOpenAiSettings> azureOpenAi() {
        Optional<String> key = get("AZURE_OPENAI_API_KEY");
        Optional<String> endpoint = get("AZURE_OPENAI_ENDPOINT");
        if (key.isEmpty() || endpoint.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AzureOpenAiSettings(AzureOpenAiSettings.DEFAULT_NAME, endpoint.get(), key.get(),
                get("AZURE_OPENAI_API_VERSION").orElse(AzureOpenAiSettings.DEFAULT_API_VERSION), Map.of(), limits));
    }

    public Optional<OllamaSettings> ollama() {
        return get("OLLAMA_BASE_URL").map(url -> new OllamaSettings(OllamaSettings.DEFAULT_NAME, url, null, limits));
    }

    /** One adapter per configured provider, ready for {@link ProviderRegistry#registerAll}. */
    public List<ModelProvider> providers() {
        List<ModelProvider> out = new ArrayList<>();
        openAi().ifPresent(s -> out.add(new OpenAiProvider(s)));
        azureOpenAi().ifPresent(s -> out.add(new AzureOpenAiProvider(s)));
        anthropic().ifPresent(s -> out.add(new AnthropicProvider(s)));
        gemini().ifPresent(s -> out.add(new GeminiProvider(s)));
        ollama().ifPresent(s -> out.add(new OllamaProvider(s)));
        return out;
    }
}
