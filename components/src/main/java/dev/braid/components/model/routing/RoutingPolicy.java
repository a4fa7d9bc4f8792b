package dev.braid.components.model.routing;

import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.ResponseCache;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Which targets a model call may use and how: strategy, per-attempt timeout and retries per target.
 *
 * @param on the failures that retry a target or move on to the next ({@code on:}); null or left out =
 *     {@link FallbackTrigger#ALL}, the behaviour before the key existed
 */
public record RoutingPolicy(
        RoutingStrategy strategy, List<Target> targets, Duration timeout, int retries, Set<FallbackTrigger> on)
        implements ResponseCache.Scope {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public RoutingPolicy {
        strategy = strategy == null ? RoutingStrategy.FALLBACK : strategy;
        targets = List.copyOf(targets);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a routing policy needs at least one target");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0");
        }
        on = on == null ? FallbackTrigger.ALL : Set.copyOf(on);
    }

    public RoutingPolicy(RoutingStrategy strategy, List<Target> targets, Duration timeout, int retries) {
        this(strategy, targets, timeout, retries, null);
    }

    @Override
    public String strategyName() {
        return strategy.name();
    }

    public static RoutingPolicy single(Target target) {
        return new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(target), DEFAULT_TIMEOUT, 0);
    }
}
