package dev.braid.server.providers;

import dev.braid.components.model.api.ModelProvider;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;

/**
 * Every {@link ModelProvider} bean in the application context: the providers the runtime's
 * {@code model:} component may call besides the built-in {@code mock} and {@code local}, which the
 * {@link dev.braid.components.model.gateway.ModelGateway} registers itself ({@link ModelGatewayFactory}).
 */
@Singleton
public final class ProviderCatalog {

    private final List<ModelProvider> providers;

    public ProviderCatalog(List<ModelProvider> providers, ConfiguredProviders configured) {
        // sorted so the runtime sees a stable order whatever order the context found the beans in
        this.providers = java.util.stream.Stream.concat(providers.stream(), configured.providers().stream())
                .sorted(Comparator.comparing(ModelProvider::name))
                .toList();
    }

    public List<ModelProvider> providers() {
        return providers;
    }

    public List<String> names() {
        return providers.stream().map(ModelProvider::name).toList();
    }
}
