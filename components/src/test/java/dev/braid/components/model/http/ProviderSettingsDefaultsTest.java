package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.braid.components.model.anthropic.AnthropicSettings;
import dev.braid.components.model.azure.AzureOpenAiSettings;
import dev.braid.components.model.gemini.GeminiSettings;
import dev.braid.components.model.ollama.OllamaSettings;
import dev.braid.components.model.openai.OpenAiSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a provider configured with only a key (the server passes null for everything it was not
 * told) talks to: the public API roots, Anthropic's pinned version, Azure's GA api-version; a
 * trailing slash on a given base URL is dropped.
 */
class ProviderSettingsDefaultsTest {

    @Test
    void unsetBaseUrlsAndVersionsAreThePublicDefaults() {
        assertEquals("https://api.openai.com/v1", new OpenAiSettings("openai", null, "k", null).baseUrl());
        assertEquals("https://api.anthropic.com/v1", new AnthropicSettings("anthropic", null, "k", null, 0, null).baseUrl());
        assertEquals("2023-06-01", new AnthropicSettings("anthropic", null, "k", null, 0, null).version());
        assertEquals("https://generativelanguage.googleapis.com/v1beta", new GeminiSettings("gemini", null, "k", null).baseUrl());
        assertEquals("http://localhost:11434", new OllamaSettings("ollama", null, null, null).baseUrl());
        assertEquals("2024-10-21", new AzureOpenAiSettings("azure", "https://r.openai.azure.com", "k", null, Map.of(), null).apiVersion());
    }

    @Test
    void aTrailingSlashOnABaseUrlIsDropped() {
        assertEquals("http://ollama:11434", new OllamaSettings("ollama", "http://ollama:11434/", null, null).baseUrl());
        assertEquals("http://proxy/v1", new AnthropicSettings("anthropic", "http://proxy/v1/", "k", null, 0, null).baseUrl());
        assertEquals("https://r.openai.azure.com",
                new AzureOpenAiSettings("azure", "https://r.openai.azure.com/", "k", null, Map.of(), null).endpoint());
    }
}
