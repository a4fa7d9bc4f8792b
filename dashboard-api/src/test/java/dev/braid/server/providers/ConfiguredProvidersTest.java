package dev.braid.server.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.ModelProvider;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which providers register from config and environment, and that keys never print. */
class ConfiguredProvidersTest {

    static ProviderConfiguration entry(String name, String type, String baseUrl, String key) {
        return new ProviderConfiguration(name, type, baseUrl, key, null, null, null, null, null);
    }

    static Map<String, ProviderSettings> resolve(List<ProviderConfiguration> config, Map<String, String> env) {
        return ConfiguredProviders.resolve(config, env).stream()
                .collect(Collectors.toMap(ProviderSettings::name, s -> s));
    }

    @Test
    void nothingIsRegisteredWithoutCredentials() {
        assertEquals(Map.of(), resolve(List.of(), Map.of()));
        assertEquals(Map.of(), resolve(List.of(entry("openai", null, null, null), entry("anthropic", null, null, "  ")), Map.of()));
    }

    @Test
    void environmentKeysRegisterTheProviderOfTheirName() {
        Map<String, ProviderSettings> s = resolve(List.of(), Map.of(
                "OPENAI_API_KEY", "sk-o", "OPENAI_BASE_URL", "http://local/v1",
                "ANTHROPIC_API_KEY", "sk-a",
                "GOOGLE_API_KEY", "g-key",
                "AZURE_OPENAI_API_KEY", "az-key"));
        assertEquals(List.of("anthropic", "gemini", "openai"), s.keySet().stream().sorted().toList(),
                "azure needs its endpoint too");
        assertEquals("sk-o", s.get("openai").apiKey());
        assertEquals("http://local/v1", s.get("openai").baseUrl());
        assertEquals(ProviderType.GEMINI, s.get("gemini").type());
        assertEquals("g-key", s.get("gemini").apiKey());
        Map<String, ProviderSettings> azure = resolve(List.of(), Map.of(
                "AZURE_OPENAI_API_KEY", "az-key", "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com"));
        assertEquals("https://r.openai.azure.com", azure.get("azure-openai").baseUrl());
    }

    @Test
    void environmentBaseUrlsAndAzureVersionOverrideTheDefaultsAndABlankKeyIsNoKey() {
        Map<String, String> env = Map.of(
                "OPENAI_API_KEY", "k", "OPENAI_BASE_URL", "http://vllm:8000/v1",
                "ANTHROPIC_API_KEY", "a", "ANTHROPIC_BASE_URL", "http://proxy/v1",
                "GEMINI_API_KEY", " ",
                "AZURE_OPENAI_API_KEY", "az", "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com",
                "AZURE_OPENAI_API_VERSION", "2025-01-01-preview");
        List<ProviderSettings> settings = ConfiguredProviders.resolve(List.of(), env);
        assertEquals(List.of("openai", "azure-openai", "anthropic"), settings.stream().map(ProviderSettings::name).toList(),
                "a blank GEMINI_API_KEY registers nothing; the order is the type order");
        Map<String, ProviderSettings> s = resolve(List.of(), env);
        assertEquals("http://vllm:8000/v1", s.get("openai").baseUrl());
        assertEquals("http://proxy/v1", s.get("anthropic").baseUrl());
        assertEquals("2025-01-01-preview", s.get("azure-openai").apiVersion());
        ConfiguredProviders configured = new ConfiguredProviders(List.of(), env, new ProviderAdapters());
        assertEquals(List.of("openai", "azure-openai", "anthropic"),
                configured.providers().stream().map(ModelProvider::name).toList());
    }

    @Test
    void aConfigEntryNamedAfterItsTypeFallsBackToTheEnvironmentOthersDoNot() {
        Map<String, ProviderSettings> s = resolve(
                List.of(entry("anthropic", null, null, null), entry("groq", "openai", null, null)),
                Map.of("ANTHROPIC_API_KEY", "sk-a", "OPENAI_API_KEY", "sk-o"));
        assertEquals("sk-a", s.get("anthropic").apiKey());
        assertFalse(s.containsKey("groq"), "groq must not borrow OPENAI_API_KEY");
        assertEquals("sk-o", s.get("openai").apiKey(), "the environment still registers openai itself");
        Map<String, ProviderSettings> configWins = resolve(
                List.of(entry("openai", null, "http://cfg/v1", "sk-cfg")), Map.of("OPENAI_API_KEY", "sk-env"));
        assertEquals("sk-cfg", configWins.get("openai").apiKey());
        assertEquals("http://cfg/v1", configWins.get("openai").baseUrl());
    }

    @Test
    void ollamaAndKeylessOpenAiCompatibleServersNeedNoKey() {
        Map<String, ProviderSettings> s = resolve(List.of(
                entry("ollama", null, null, null),
                entry("vllm", "openai", "http://gpu:8000/v1", null),
                entry("nobase", "openai", null, null)), Map.of());
        assertTrue(s.containsKey("ollama"));
        assertNull(s.get("ollama").apiKey());
        assertTrue(s.containsKey("vllm"));
        assertFalse(s.containsKey("nobase"), "a keyless openai entry without base-url would call api.openai.com");
        assertFalse(resolve(List.of(), Map.of()).containsKey("ollama"), "ollama from config or OLLAMA_BASE_URL only");
        assertEquals("http://gpu:11434", resolve(List.of(), Map.of("OLLAMA_HOST", "gpu:11434")).get("ollama").baseUrl());
    }

    @Test
    void aDisabledProviderStaysOff() {
        var off = new ProviderConfiguration("openai", null, null, "sk-x", null, null, null, false, null);
        assertFalse(resolve(List.of(off), Map.of("OPENAI_API_KEY", "sk-env")).containsKey("openai"),
                "disabled in config beats the environment");
    }

    @Test
    void anUnknownTypeStopsStartupNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> resolve(List.of(entry("x", "bard", null, "k")), Map.of()));
        assertTrue(e.getMessage().contains("braid.providers.x") && e.getMessage().contains("bard"), e.getMessage());
        IllegalStateException noType = assertThrows(IllegalStateException.class,
                () -> resolve(List.of(entry("groq", null, null, "k")), Map.of()));
        assertTrue(noType.getMessage().contains("type is required"), noType.getMessage());
    }

    @Test
    void anAdapterIsBuiltForEveryType() {
        ConfiguredProviders configured = new ConfiguredProviders(List.of(
                entry("openai", null, null, "sk-1"),
                entry("azure", "azure-openai", "https://r.openai.azure.com", "az"),
                entry("anthropic", null, null, "sk-a"),
                entry("gemini", null, null, "g"),
                entry("ollama", null, null, null)), Map.of(), new ProviderAdapters());
        assertEquals(List.of("openai", "azure", "anthropic", "gemini", "ollama"),
                configured.providers().stream().map(ModelProvider::name).toList());
        assertThrows(IllegalStateException.class, () -> new ConfiguredProviders(
                List.of(entry("azure", "azure-openai", null, "az")), Map.of(), new ProviderAdapters()),
                "azure without its endpoint is a startup error");
    }

    @Test
    void keysNeverPrint() {
        var config = entry("openai", null, null, "sk-very-secret");
        assertFalse(config.toString().contains("sk-very-secret"), config.toString());
        var settings = ConfiguredProviders.resolve(List.of(config), Map.of()).get(0);
        assertFalse(settings.toString().contains("sk-very-secret"), settings.toString());
    }
}
