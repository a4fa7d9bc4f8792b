package dev.braid.server.providers;

import dev.braid.components.model.api.ModelProvider;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers built from {@code braid.providers.<name>} and the environment
 * ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code GEMINI_API_KEY} or {@code GOOGLE_API_KEY},
 * {@code AZURE_OPENAI_API_KEY} with {@code AZURE_OPENAI_ENDPOINT}, {@code OLLAMA_BASE_URL}; each
 * {@code <TYPE>_BASE_URL} overrides the default API root). A config entry named after its type
 * ({@code openai}, {@code anthropic}, …) takes the key and base URL from the environment when it
 * sets none; other names ({@code groq} of type openai) only from config.
 *
 * <p>A provider without credentials is not registered (calls to it answer 404
 * {@code model_not_found}, and {@code /v1/models} does not list it), except ollama and an
 * OpenAI-compatible server given an explicit base URL, which may need no key. Keys are never
 * logged: log lines name the provider, its type and base URL only.
 */
@Singleton
public final class ConfiguredProviders {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredProviders.class);

    private final List<ProviderSettings> settings;
    private final List<ModelProvider> providers;

    public ConfiguredProviders(List<ProviderConfiguration> configuration, ProviderAdapters adapters) {
        this(configuration, System.getenv(), adapters);
    }

    ConfiguredProviders(List<ProviderConfiguration> configuration, Map<String, String> env, ProviderAdapters adapters) {
        this.settings = resolve(configuration, env);
        List<ModelProvider> built = new ArrayList<>();
        for (ProviderSettings s : settings) {
            Optional<ModelProvider> provider = adapters.build(s);
            if (provider.isPresent()) {
                built.add(provider.get());
                LOG.info("Provider {} registered (type {}, base URL {})", s.name(), s.type().configName(),
                        s.baseUrl() == null ? "default" : s.baseUrl());
            } else {
                LOG.warn("Provider {} not registered: no adapter for type {} in this build", s.name(), s.type().configName());
            }
        }
        this.providers = List.copyOf(built);
    }

    /** The adapters to register with the runtime. */
    public List<ModelProvider> providers() {
        return providers;
    }

    /** The merged settings of every registered provider (keys included: never expose this). */
    public List<ProviderSettings> settings() {
        return settings;
    }

    /** The models each provider's config lists ({@code braid.providers.<name>.models}). */
    public Map<String, List<String>> models() {
        Map<String, List<String>> models = new LinkedHashMap<>();
        for (ProviderSettings s : settings) {
            if (!s.models().isEmpty()) {
                models.put(s.name(), s.models());
            }
        }
        return Collections.unmodifiableMap(models);
    }

    static List<ProviderSettings> resolve(List<ProviderConfiguration> configuration, Map<String, String> env) {
        Map<String, ProviderSettings> resolved = new LinkedHashMap<>();
        for (ProviderConfiguration c : configuration) {
            ProviderType type;
            try {
                type = ProviderType.fromConfigName(c.type() != null ? c.type() : c.name());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("braid.providers." + c.name() + ": "
                        + (c.type() == null ? "type is required (openai, azure-openai, anthropic, gemini or ollama)" : e.getMessage()));
            }
            if (Boolean.FALSE.equals(c.enabled())) {
                LOG.info("Provider {} is disabled in config", c.name());
                continue;
            }
            boolean defaultName = c.name().equals(type.configName());
            String key = blankToNull(c.apiKey());
            String baseUrl = blankToNull(c.baseUrl());
            if (defaultName) {
                key = key != null ? key : envKey(type, env);
                baseUrl = baseUrl != null ? baseUrl : envBaseUrl(type, env);
            }
            String explicitBase = blankToNull(c.baseUrl());
            if (key == null && !(type == ProviderType.OLLAMA || type == ProviderType.OPENAI && explicitBase != null)) {
                LOG.info("Provider {} not registered: no API key (set braid.providers.{}.api-key{})", c.name(), c.name(),
                        defaultName ? " or " + type.envPrefix() + "_API_KEY" : "");
                continue;
            }
            resolved.put(c.name(), new ProviderSettings(c.name(), type, baseUrl, key, blankToNull(c.apiVersion()),
                    c.models(), c.deployments(), c.reasoningParameters()));
        }
        for (ProviderType type : ProviderType.values()) {
            String name = type.configName();
            if (resolved.containsKey(name) || configuration.stream().anyMatch(c -> c.name().equals(name))) {
                continue;
            }
            String key = envKey(type, env);
            String baseUrl = envBaseUrl(type, env);
            boolean usable = type == ProviderType.OLLAMA ? baseUrl != null
                    : type == ProviderType.AZURE_OPENAI ? key != null && baseUrl != null
                    : key != null;
            if (usable) {
                resolved.put(name, new ProviderSettings(name, type, baseUrl, key, env.get("AZURE_OPENAI_API_VERSION"),
                        null, null, null));
            }
        }
        return List.copyOf(resolved.values());
    }

    private static String envKey(ProviderType type, Map<String, String> env) {
        String key = blankToNull(env.get(type.envPrefix() + "_API_KEY"));
        if (key == null && type == ProviderType.GEMINI) {
            key = blankToNull(env.get("GOOGLE_API_KEY"));
        }
        return key;
    }

    private static String envBaseUrl(ProviderType type, Map<String, String> env) {
        String url = blankToNull(env.get(type.envPrefix() + "_BASE_URL"));
        if (url == null && type == ProviderType.AZURE_OPENAI) {
            url = blankToNull(env.get("AZURE_OPENAI_ENDPOINT"));
        }
        if (url == null && type == ProviderType.OLLAMA) {
            String host = blankToNull(env.get("OLLAMA_HOST"));
            url = host == null ? null : host.startsWith("http") ? host : "http://" + host;
        }
        return url;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
