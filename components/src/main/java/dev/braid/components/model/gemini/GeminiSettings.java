package dev.braid.components.model.gemini;

import dev.braid.components.model.http.HttpLimits;

/**
 * The Gemini API (Google AI Studio).
 *
 * @param apiKey sent as the {@code x-goog-api-key} header, never as {@code ?key=}
 */
public record GeminiSettings(String name, String baseUrl, String apiKey, HttpLimits limits) {

    public static final String DEFAULT_NAME = "gemini";
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    public GeminiSettings {
        name = name == null ? DEFAULT_NAME : name;
        baseUrl = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        limits = limits == null ? HttpLimits.DEFAULTS : limits;
    }

    public static GeminiSettings of(String apiKey) {
        return new GeminiSettings(DEFAULT_NAME, DEFAULT_BASE_URL, apiKey, HttpLimits.DEFAULTS);
    }

    public GeminiSettings withBaseUrl(String url) {
        return new GeminiSettings(name, url, apiKey, limits);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "GeminiSettings[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=***, limits=" + limits + "]";
    }
}
