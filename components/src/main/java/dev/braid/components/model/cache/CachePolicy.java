package dev.braid.components.model.cache;

import dev.braid.components.model.api.ModelRequest;
import java.time.Duration;

/**
 * Whether and how long a model step's answers are kept in the {@link ResponseCache}: an exact-match
 * cache, so only a request identical in every part (task, messages, inputs, tools, options, targets)
 * hits. Streaming calls are never cached. A request with {@code temperature > 0} is cached only with
 * {@code allowNonZeroTemperature}: a sampled answer was asked to vary. A request without a temperature
 * (the provider's default) is cached: the step opted in by giving a TTL.
 *
 * @param ttl how long an answer stays; zero turns caching off
 */
public record CachePolicy(Duration ttl, boolean allowNonZeroTemperature) {

    public CachePolicy {
        if (ttl == null || ttl.isNegative()) {
            throw new IllegalArgumentException("cache ttl must be >= 0");
        }
    }

    public static CachePolicy ttl(Duration ttl) {
        return new CachePolicy(ttl, false);
    }

    /** Whether this request's answer may be read from and written to the cache. */
    public boolean applies(ModelRequest request) {
        if (ttl.isZero()) {
            return false;
        }
        Double t = request.options().temperature();
        return t == null || t <= 0 || allowNonZeroTemperature;
    }
}
