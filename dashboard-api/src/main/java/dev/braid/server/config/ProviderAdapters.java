package dev.braid.server.config;

import dev.braid.components.model.ModelProvider;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Builds the adapter for a provider's settings; empty when this build has no adapter for its type. */
@Singleton
public class ProviderAdapters {

    public Optional<ModelProvider> build(ProviderSettings settings) {
        return Optional.empty();
    }
}
