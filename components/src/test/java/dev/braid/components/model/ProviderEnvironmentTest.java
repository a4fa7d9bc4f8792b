package dev.braid.components.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderEnvironmentTest {

    @Test
    void configuresExactlyTheProvidersWhoseVariablesAreSet() {
        ProviderEnvironment env = new ProviderEnvironment(Map.of(
                "OPENAI_API_KEY", "sk-test-SECRET",
                "ANTHROPIC_API_KEY", " ",
                "GEMINI_API_KEY", "g-key",
                "AZURE_OPENAI_API_KEY", "az-key",
                "OLLAMA_BASE_URL", "http://ollama:11434/"));
        assertEquals(List.of("openai", "gemini", "ollama"), env.providers().stream().map(ModelProvider::name).toList());
        assertTrue(env.anthropic().isEmpty(), "a blank key is no key");
        assertTrue(env.azureOpenAi().isEmpty(), "Azure needs its endpoint too");
        assertEquals("https://api.openai.com/v1", env.openAi().orElseThrow().baseUrl());
        assertEquals("http://ollama:11434", env.ollama().orElseThrow().baseUrl());
        assertEquals("https://generativelanguage.googleapis.com/v1beta", env.gemini().orElseThrow().baseUrl());
        assertFalse(env.openAi().orElseThrow().toString().contains("sk-test-SECRET"));
    }

    @Test
    void baseUrlsAndAzureVersionCanBeOverridden() {
        ProviderEnvironment env = new ProviderEnvironment(Map.of(
                "OPENAI_API_KEY", "k", "OPENAI_BASE_URL", "http://vllm:8000/v1",
                "ANTHROPIC_API_KEY", "a", "ANTHROPIC_BASE_URL", "http://proxy/v1",
                "AZURE_OPENAI_API_KEY", "az", "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com",
                "AZURE_OPENAI_API_VERSION", "2025-01-01-preview"));
        assertEquals("http://vllm:8000/v1", env.openAi().orElseThrow().baseUrl());
        assertEquals("http://proxy/v1", env.anthropic().orElseThrow().baseUrl());
        assertEquals("2023-06-01", env.anthropic().orElseThrow().version());
        assertEquals("2025-01-01-preview", env.azureOpenAi().orElseThrow().apiVersion());
        assertEquals(List.of("openai", "azure-openai", "anthropic"), env.providers().stream().map(ModelProvider::name).toList());
    }
}
