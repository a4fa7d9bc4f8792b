package dev.braid.components.model.openai;

import dev.braid.components.model.http.HttpLimits;
import java.util.Objects;

/**
 * An OpenAI Chat Completions endpoint: OpenAI itself or any OpenAI-compatible server (vLLM, Groq,
 * Mistral, DeepSeek, Together, LM Studio) by {@code baseUrl}, under its own provider {@code name}.
 *
 * @param apiKey sent as {@code Authorization: Bearer}; null or empty for servers without auth
 */
public record OpenAiSettings(String name, String baseUrl, String apiKey, HttpLimits limits) {

    public static final String DEFAULT_NAME = "openai";
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    public OpenAiSettings {
        Objects.requireNonNull(name, "name");
        baseUrl = trimSlash(baseUrl == null ? DEFAULT_BASE_URL : baseUrl);
        limits = limits == null ? HttpLimits.DEFAULTS : limits;
    }

    public static OpenAiSettings openAi(String apiKey) {
        return new OpenAiSettings(DEFAULT_NAME, DEFAULT_BASE_URL, apiKey, HttpLimits.DEFAULTS);
    }

    /** An OpenAI-compatible server: {@code compatible("groq", "https://api.groq.com/openai/v1", key)}. */
    public static OpenAiSettings compatible(String name, String baseUrl, String apiKey) {
        return new OpenAiSettings(name, baseUrl, apiKey, HttpLimits.DEFAULTS);
    }

    public OpenAiSettings withLimits(HttpLimits l) {
        return new OpenAiSettings(name, baseUrl, apiKey, l);
    }

    static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "OpenAiSettings[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", limits=" + limits + "]";
    }
}
