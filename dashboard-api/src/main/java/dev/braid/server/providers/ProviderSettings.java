package dev.braid.server.providers;

import java.util.List;
import java.util.Map;

/**
 * A provider to register, after config and environment were merged: what an adapter is built from.
 *
 * @param apiKey null when the provider needs none; never printed
 * @param reasoningParameters openai only; null lets the base URL decide (see {@link ProviderConfiguration})
 */
public record ProviderSettings(
        String name,
        ProviderType type,
        String baseUrl,
        String apiKey,
        String apiVersion,
        List<String> models,
        Map<String, String> deployments,
        Boolean reasoningParameters) {

    public ProviderSettings {
        models = models == null ? List.of() : List.copyOf(models);
        deployments = deployments == null ? Map.of() : Map.copyOf(deployments);
    }

    @Override
    public String toString() {
        return "ProviderSettings[name=" + name + ", type=" + type.configName() + ", baseUrl=" + baseUrl
                + ", apiKey=" + (apiKey == null ? "none" : "***") + "]";
    }
}
