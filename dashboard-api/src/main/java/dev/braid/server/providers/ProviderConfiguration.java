package dev.braid.server.providers;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Map;

/**
 * One configured provider, {@code braid.providers.<name>}:
 *
 * <pre>
 * braid:
 *   providers:
 *     openai:     { type: openai, api-key: "${OPENAI_API_KEY}" }
 *     groq:       { type: openai, base-url: https://api.groq.com/openai/v1, api-key: "…", models: [llama-3.1-8b-instant] }
 *     proxy:      { type: openai, base-url: https://llm-proxy.internal/v1, api-key: "…", reasoning-parameters: true }
 *     azure:      { type: azure-openai, base-url: https://my.openai.azure.com, api-key: "…", api-version: 2024-10-21,
 *                   deployments: { gpt-4o-mini: my-mini-deployment } }
 *     anthropic:  { type: anthropic, api-key: "…" }
 *     gemini:     { type: gemini, api-key: "…" }
 *     ollama:     { type: ollama, base-url: http://localhost:11434 }
 * </pre>
 *
 * @param type openai (also any OpenAI-compatible server), azure-openai, anthropic, gemini or
 *     ollama; defaults to the provider's name when that is one of these
 * @param baseUrl the API root; each type has a default except azure-openai
 * @param apiKey the credential; never logged, never returned (see {@link #toString()})
 * @param apiVersion azure-openai only: the {@code api-version} query parameter every call carries
 * @param models model names {@code GET /v1/models} lists for this provider besides the price table's
 * @param deployments azure-openai only: model name → deployment name (a model not listed is its own deployment)
 * @param enabled false turns a provider off without deleting its settings
 * @param reasoningParameters openai only: whether reasoning models (o1, o3, o4-mini, gpt-5 …) get
 *     {@code max_completion_tokens} and no {@code temperature}, as OpenAI requires; default true for
 *     {@code api.openai.com}, false for other base URLs (compatible servers may know only {@code max_tokens})
 */
@EachProperty("braid.providers")
public record ProviderConfiguration(
        @Parameter String name,
        @Nullable String type,
        @Nullable String baseUrl,
        @Nullable String apiKey,
        @Nullable String apiVersion,
        @Nullable List<String> models,
        @Nullable Map<String, String> deployments,
        @Nullable Boolean enabled,
        @Nullable Boolean reasoningParameters) {

    @Override
    public String toString() {
        return "ProviderConfiguration[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl
                + ", apiKey=" + (apiKey == null || apiKey.isEmpty() ? "none" : "***") + "]";
    }
}
