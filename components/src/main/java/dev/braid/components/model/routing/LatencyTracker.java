package dev.braid.components.model.routing;

import dev.braid.components.model.api.Target;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponentially weighted moving average of observed call latency per {@code provider/model},
 * the measure {@link RoutingStrategy#LEAST_LATENCY} orders by. Model names are the caller's on the
 * chat API, so it holds at most {@link #MAX_TARGETS}: a new name beyond that pushes out an arbitrary
 * older one (an average is a hint; a forgotten one is learned again from the next call).
 */
public final class LatencyTracker {

    /** Weight of the newest observation: recent behaviour matters, one outlier does not dominate. */
    public static final double ALPHA = 0.3;

    /** Targets with an average at most. */
    public static final int MAX_TARGETS = 1024;

    private final Map<String, Double> averages = new ConcurrentHashMap<>();

    public void record(Target target, long millis) {
        if (averages.size() >= MAX_TARGETS && !averages.containsKey(target.qualifiedName())) {
            var it = averages.keySet().iterator();
            while (averages.size() >= MAX_TARGETS && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        averages.merge(target.qualifiedName(), (double) millis, (old, now) -> old + ALPHA * (now - old));
    }

    /** How many targets have an average. */
    public int size() {
        return averages.size();
    }

    /** The moving average for the target, empty when it was never observed. */
    public OptionalDouble average(Target target) {
        Double v = averages.get(target.qualifiedName());
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
