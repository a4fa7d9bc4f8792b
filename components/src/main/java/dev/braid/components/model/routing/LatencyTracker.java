package dev.braid.components.model.routing;

import dev.braid.components.model.api.Target;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponentially weighted moving average of observed call latency per {@code provider/model},
 * the measure {@link RoutingStrategy#LEAST_LATENCY} orders by.
 */
public final class LatencyTracker {

    /** Weight of the newest observation: recent behaviour matters, one outlier does not dominate. */
    public static final double ALPHA = 0.3;

    private final Map<String, Double> averages = new ConcurrentHashMap<>();

    public void record(Target target, long millis) {
        averages.merge(target.qualifiedName(), (double) millis, (old, now) -> old + ALPHA * (now - old));
    }

    /** The moving average for the target, empty when it was never observed. */
    public OptionalDouble average(Target target) {
        Double v = averages.get(target.qualifiedName());
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
