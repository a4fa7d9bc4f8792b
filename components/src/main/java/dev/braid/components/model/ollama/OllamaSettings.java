package dev.braid.components.model.ollama;

import dev.braid.components.model.http.HttpLimits;

/**
 * An Ollama server.
 *
 * @param apiKey optional bearer token (for an Ollama behind an authenticating proxy); null for none
 */
public record OllamaSettings(String name, String baseUrl, String apiKey, HttpLimits limits) {

    public static final String DEFAULT_NAME = "ollama";
    public static final String DEFAULT_BASE_URL = "http://localhost:11434";

    public OllamaSettings {
        name = name == null ? DEFAULT_NAME : name;
        baseUrl = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        limits = limits == null ? HttpLimits.DEFAULTS : limits;
    }

    public static OllamaSettings of(String baseUrl) {
        return new OllamaSettings(DEFAULT_NAME, baseUrl, null, HttpLimits.DEFAULTS);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "OllamaSettings[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", limits=" + limits + "]";
    }
}
