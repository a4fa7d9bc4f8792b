package dev.braid.components.model.openai;

import dev.braid.components.model.http.HttpLimits;
import java.net.URI;
import java.util.Objects;

/**
 * An OpenAI Chat Completions endpoint: OpenAI itself or any OpenAI-compatible server (vLLM, Groq,
 * Mistral, DeepSeek, Together, LM Studio) by {@code baseUrl}, under its own provider {@code name}.
 *
 * @param apiKey sent as {@code Authorization: Bearer}; null or empty for servers without auth
 * @param reasoningParameters whether reasoning models (o1, o3, o4-mini, the gpt-5 family) get OpenAI's
 *     parameters for them: {@code max_completion_tokens} instead of {@code max_tokens}, which they
 *     reject, and no {@code temperature}, of which they take only the default. Null means: true for
 *     {@code api.openai.com}, false for any other server (vLLM, llama.cpp … may know only
 *     {@code max_tokens}).
 */
public record OpenAiSettings(String name, String baseUrl, String apiKey, HttpLimits limits, Boolean reasoningParameters) {

    public static final String DEFAULT_NAME = "openai";
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    public OpenAiSettings {
        Objects.requireNonNull(name, "name");
        baseUrl = trimSlash(baseUrl == null ? DEFAULT_BASE_URL : baseUrl);
        limits = limits == null ? HttpLimits.DEFAULTS : limits;
        reasoningParameters = reasoningParameters != null ? reasoningParameters : isOpenAi(baseUrl);
    }

    /** With {@code reasoningParameters} decided by the base URL. */
    public OpenAiSettings(String name, String baseUrl, String apiKey, HttpLimits limits) {
        this(name, baseUrl, apiKey, limits, null);
    }

    private static boolean isOpenAi(String baseUrl) {
        try {
            return "api.openai.com".equalsIgnoreCase(URI.create(baseUrl).getHost());
        } catch (IllegalArgumentException e) {
            return false; // not a URL: the HTTP client will say so on the first call
        }
    }

    public static OpenAiSettings openAi(String apiKey) {
        return new OpenAiSettings(DEFAULT_NAME, DEFAULT_BASE_URL, apiKey, HttpLimits.DEFAULTS);
    }

    /** An OpenAI-compatible server: {@code compatible("groq", "https://api.groq.com/openai/v1", key)}. */
    public static OpenAiSettings compatible(String name, String baseUrl, String apiKey) {
        return new OpenAiSettings(name, baseUrl, apiKey, HttpLimits.DEFAULTS);
    }

    public OpenAiSettings withLimits(HttpLimits l) {
        return new OpenAiSettings(name, baseUrl, apiKey, l, reasoningParameters);
    }

    static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "OpenAiSettings[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", limits=" + limits + ", reasoningParameters=" + reasoningParameters + "]";
    }
}
