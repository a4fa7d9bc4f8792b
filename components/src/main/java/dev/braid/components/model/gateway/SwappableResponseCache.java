package dev.braid.components.model.gateway;

import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.cache.ResponseCache;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The cache the gateway's router holds for its whole life: it forwards to whichever cache is in use,
 * so attaching Redis after start swaps the store without rebuilding the router (and its circuits).
 */
final class SwappableResponseCache implements ResponseCache {

    private volatile ResponseCache current;

    SwappableResponseCache(ResponseCache initial) {
        this.current = initial;
    }

    ResponseCache current() {
        return current;
    }

    void use(ResponseCache cache) {
        this.current = cache;
    }

    @Override
    public CompletionStage<Optional<ModelResponse>> get(String key) {
        return current.get(key);
    }

    @Override
    public CompletionStage<Void> put(String key, ModelResponse response, Duration ttl) {
        return current.put(key, response, ttl);
    }
}
