package dev.braid.components.model.azure;

import dev.braid.components.model.http.HttpLimits;
import java.util.Map;
import java.util.Objects;

/**
 * An Azure OpenAI resource.
 *
 * @param endpoint {@code https://<resource>.openai.azure.com}
 * @param apiKey sent as the {@code api-key} header
 * @param apiVersion the {@code api-version} query parameter
 * @param deployments model name → deployment name; a model not listed is its own deployment name
 */
public record AzureOpenAiSettings(
        String name, String endpoint, String apiKey, String apiVersion, Map<String, String> deployments, HttpLimits limits) {

    public static final String DEFAULT_NAME = "azure-openai";
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    public AzureOpenAiSettings {
        name = name == null ? DEFAULT_NAME : name;
        Objects.requireNonNull(endpoint, "endpoint");
        endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        apiVersion = apiVersion == null ? DEFAULT_API_VERSION : apiVersion;
        deployments = deployments == null ? Map.of() : Map.copyOf(deployments);
        limits = limits == null ? HttpLimits.DEFAULTS : limits;
    }

    public static AzureOpenAiSettings of(String endpoint, String apiKey) {
        return new AzureOpenAiSettings(DEFAULT_NAME, endpoint, apiKey, DEFAULT_API_VERSION, Map.of(), HttpLimits.DEFAULTS);
    }

    public String deployment(String model) {
        return deployments.getOrDefault(model, model);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "AzureOpenAiSettings[name=" + name + ", endpoint=" + endpoint + ", apiKey=***, apiVersion=" + apiVersion
                + ", deployments=" + deployments + ", limits=" + limits + "]";
    }
}
