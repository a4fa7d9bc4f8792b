package dev.braid.server.providers;

import dev.braid.components.model.cache.RedisResponseCache;
import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.server.cluster.SharedRedis;
import io.lettuce.core.codec.StringCodec;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one {@link ModelGateway}: pipelines (through the runtime's {@code model:} component),
 * the OpenAI-compatible API, budgets and stored provider credentials all use it, so they share
 * providers, circuits, prices and the response cache. Closed (its scheduler stopped) when the server stops.
 */
@Factory
public class ModelGatewayFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ModelGatewayFactory.class);

    /**
     * The built-in {@code mock} and {@code local} providers plus every provider bean and configured
     * provider. With {@code braid.redis.uri} set, {@code cache:} answers live in Redis (unless
     * {@code braid.response-cache.shared: false}), so an answer cached by one instance is a hit on
     * every other; else in this instance's memory. A Redis that fails or is slow is a miss, never an
     * error (ModelRouter treats a failed lookup as a miss).
     */
    @Singleton
    @Bean(preDestroy = "close")
    public ModelGateway modelGateway(ProviderCatalog providers, SharedRedis redis,
            @Value("${braid.response-cache.shared:true}") boolean sharedResponseCache) {
        ModelGateway.Builder gateway = ModelGateway.builder().providers(providers.providers());
        if (sharedResponseCache) {
            redis.connect(StringCodec.UTF8).ifPresent(connection -> {
                gateway.responseCache(new RedisResponseCache(connection));
                LOG.info("Model steps' response cache is shared through Redis");
            });
        }
        return gateway.build();
    }
}
