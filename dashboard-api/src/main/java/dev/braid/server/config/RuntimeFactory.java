package dev.braid.server.config;

import dev.braid.components.model.cache.RedisResponseCache;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.engine.runtime.RuntimeSettings;
import dev.braid.server.enrich.EnrichTargets;
import dev.braid.server.enrich.SsrfPolicy;
import dev.braid.server.guard.OutputSecrets;
import dev.braid.server.redis.SharedRedis;
import io.lettuce.core.codec.StringCodec;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the one {@link PipelineRuntime} (and its CamelContext); closed when the server stops. */
@Factory
public class RuntimeFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeFactory.class);

    /**
     * With {@code braid.redis.uri} set, model steps' {@code cache:} answers live in Redis (unless
     * {@code braid.response-cache.shared: false}), so an answer cached by one instance is a hit on
     * every other; else in this instance's memory. A Redis that fails or is slow is a miss, never an
     * error (ModelRouter treats a failed lookup as a miss).
     */
    @Singleton
    @Bean(preDestroy = "close")
    public PipelineRuntime pipelineRuntime(
            ProviderCatalog providers, CamelConfiguration camel, RuntimeConfiguration runtime,
            EnrichTargets enrichTargets, SsrfPolicy enrichPolicy, OutputSecrets outputSecrets,
            SharedRedis redis, @Value("${braid.response-cache.shared:true}") boolean sharedResponseCache) {
        PipelineRuntime pipelines = new PipelineRuntime(
                new RuntimeSettings(providers.providers(), camel.allowedSchemes(), runtime.drainTimeout(), enrichTargets,
                        outputSecrets.secrets()),
                enrichPolicy);
        if (sharedResponseCache) {
            redis.connect(StringCodec.UTF8).ifPresent(connection -> {
                pipelines.camelContext().getComponent(ModelComponent.SCHEME, ModelComponent.class)
                        .setResponseCache(new RedisResponseCache(connection));
                LOG.info("Model steps' response cache is shared through Redis");
            });
        }
        return pipelines;
    }
}
