package dev.braid.server.runtime;

import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.providers.ProviderCatalog;
import dev.braid.engine.runtime.RuntimeSettings;
import dev.braid.server.enrich.SsrfPolicy;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Builds the one {@link PipelineRuntime} (and its CamelContext); closed when the server stops. */
@Factory
public class RuntimeFactory {

    /**
     * Model steps call through the one {@link ModelGateway} ({@link ModelGatewayFactory}), which holds
     * the providers and the response cache (shared through Redis when configured). One
     * {@link SsrfPolicy} judges enrich targets both when a pipeline is read (literal hosts, DNS
     * included) and on every call.
     */
    @Singleton
    @Bean(preDestroy = "close")
    public PipelineRuntime pipelineRuntime(
            ProviderCatalog providers, CamelConfiguration camel, RuntimeConfiguration runtime,
            SsrfPolicy enrichPolicy, OutputSecrets outputSecrets, ModelGateway models) {
        return new PipelineRuntime(
                new RuntimeSettings(providers.providers(), camel.allowedSchemes(), runtime.drainTimeout(), enrichPolicy,
                        outputSecrets.secrets()),
                enrichPolicy, models);
    }
}
