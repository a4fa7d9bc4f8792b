package dev.braid.components.model.anthropic;

import dev.braid.components.model.http.HttpLimits;

/**
 * The Anthropic Messages API.
 *
 * @param apiKey sent as {@code x-api-key}
 * @param version the {@code anthropic-version} header
 * @param defaultMaxTokens {@code max_tokens} when the request sets none (Anthropic requires one)
 */
public record AnthropicSettings(
        String name, String baseUrl, String apiKey, String version, int defaultMaxTokens, HttpLimits limits) {

    public static final String DEFAULT_NAME = "anthropic";
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
    public static final String DEFAULT_VERSION = "2023-06-01";
    public static final int DEFAULT_MAX_TOKENS = 4096;

    public AnthropicSettings {
        name = name == null ? DEFAULT_NAME : name;
        baseUrl = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        version = version == null ? DEFAULT_VERSION : version;
        defaultMaxTokens = defaultMaxTokens <= 0 ? DEFAULT_MAX_TOKENS : defaultMaxTokens;
        limits = limits == null ? HttpLimits.DEFAULTS : limits;
    }

    public static AnthropicSettings of(String apiKey) {
        return new AnthropicSettings(DEFAULT_NAME, DEFAULT_BASE_URL, apiKey, DEFAULT_VERSION, DEFAULT_MAX_TOKENS, HttpLimits.DEFAULTS);
    }

    public AnthropicSettings withBaseUrl(String url) {
        return new AnthropicSettings(name, url, apiKey, version, defaultMaxTokens, limits);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "AnthropicSettings[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=***, version=" + version
                + ", defaultMaxTokens=" + defaultMaxTokens + ", limits=" + limits + "]";
    }
}
