package dev.braid.server.runtime;

import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.providers.ProviderCatalog;
import dev.braid.engine.runtime.RuntimeSettings;
import dev.braid.server.enrich.EnrichTargets;
import dev.braid.server.enrich.SsrfPolicy;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Builds the one {@link PipelineRuntime} (and its CamelContext); closed when the server stops. */
@Factory
public class RuntimeFactory {

    /**
     * Model steps call through the one {@link ModelGateway} ({@link ModelGatewayFactory}), which holds
     * the providers and the response cache (shared through Redis when configured).
     */
    @Singleton
    @Bean(preDestroy = "close")
    public PipelineRuntime pipelineRuntime(
            ProviderCatalog providers, CamelConfiguration camel, RuntimeConfiguration runtime,
            EnrichTargets enrichTargets, SsrfPolicy enrichPolicy, OutputSecrets outputSecrets, ModelGateway models) {
        return new PipelineRuntime(
                new RuntimeSettings(providers.providers(), camel.allowedSchemes(), runtime.drainTimeout(), enrichTargets,
                        outputSecrets.secrets()),
                enrichPolicy, models);
    }
}
