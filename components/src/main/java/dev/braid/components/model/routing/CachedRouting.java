package dev.braid.components.model.routing;

import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.cache.ResponseCache;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing through the response cache: a hit answers without a provider call, a miss routes and stores
 * a successful answer. A cache that fails or is slow is a miss (logged), never the call's error.
 */
final class CachedRouting {

    private static final Logger LOG = LoggerFactory.getLogger(CachedRouting.class);

    private final ModelRouter router;
    private final ResponseCache cache;

    CachedRouting(ModelRouter router, ResponseCache cache) {
        this.router = router;
        this.cache = cache;
    }

    /**
     * Runs the policy through the response cache: a hit answers without calling a provider, a miss
     * routes as {@link ModelRouter#route(ModelRequest, RoutingPolicy)} and stores a successful answer. A null
     * {@code cachePolicy}, or one that does not {@link CachePolicy#applies apply} to the request, routes
     * without the cache.
     */
    CompletionStage<ModelResponse> route(ModelRequest request, RoutingPolicy policy, CachePolicy cachePolicy) {
        if (cachePolicy == null || !cachePolicy.applies(request)) {
            return router.route(request, policy);
        }
        long t0 = System.nanoTime();
        String key;
        try {
            key = ResponseCache.key(request, policy);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ModelResponse> result = new CompletableFuture<>();
        lookup(key).whenComplete((hit, lookupError) -> {
            if (hit != null && hit.isPresent()) {
                result.complete(fromCache(hit.get(), t0));
                return;
            }
            router.route(request, policy).whenComplete((response, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                    return;
                }
                store(key, response, cachePolicy.ttl());
                result.complete(response);
            });
        });
        return result;
    }

    private CompletionStage<Optional<ModelResponse>> lookup(String key) {
        try {
            return cache.get(key).exceptionally(e -> {
                LOG.warn("response cache lookup failed, calling the provider: {}", e.toString());
                return Optional.empty();
            });
        } catch (RuntimeException e) {
            LOG.warn("response cache lookup failed, calling the provider: {}", e.toString());
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private void store(String key, ModelResponse response, Duration ttl) {
        try {
            cache.put(key, response, ttl).exceptionally(e -> {
                LOG.warn("response cache store failed: {}", e.toString());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("response cache store failed: {}", e.toString());
        }
    }

    /** A stored answer as a hit reports it: same tokens, cost 0, {@code cached: true}, the lookup's latency. */
    private static ModelResponse fromCache(ModelResponse stored, long startNanos) {
        Usage u = stored.usage();
        Map<String, Object> fields = new HashMap<>(stored.fields());
        fields.put(ModelRouter.CACHED_FIELD, true);
        return new ModelResponse(stored.provider(), stored.model(), stored.text(), stored.toolCalls(),
                stored.finishReason(), fields,
                new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), 0.0, u.estimated()),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
}
