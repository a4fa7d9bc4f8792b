package dev.braid.server.providers;

import java.util.Locale;

/** The kinds of provider adapter a {@code braid.providers.<name>} entry may ask for. */
public enum ProviderType {
    OPENAI("openai", "OPENAI", true),
    AZURE_OPENAI("azure-openai", "AZURE_OPENAI", true),
    ANTHROPIC("anthropic", "ANTHROPIC", true),
    GEMINI("gemini", "GEMINI", true),
    OLLAMA("ollama", "OLLAMA", false);

    private final String configName;
    private final String envPrefix;
    private final boolean needsKey;

    ProviderType(String configName, String envPrefix, boolean needsKey) {
        this.configName = configName;
        this.envPrefix = envPrefix;
        this.needsKey = needsKey;
    }

    public String configName() {
        return configName;
    }

    /** {@code OPENAI} → {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}. */
    public String envPrefix() {
        return envPrefix;
    }

    /** Whether the provider is useless without a key (ollama is not; keyless OpenAI-compatible servers need a base URL). */
    public boolean needsKey() {
        return needsKey;
    }

    public static ProviderType fromConfigName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ProviderType t : values()) {
            if (t.configName.equals(n)) {
                return t;
            }
        }
        if ("azure".equals(n)) {
            return AZURE_OPENAI;
        }
        throw new IllegalArgumentException(
                "unknown provider type '" + name + "' (expected openai, azure-openai, anthropic, gemini or ollama)");
    }
}
