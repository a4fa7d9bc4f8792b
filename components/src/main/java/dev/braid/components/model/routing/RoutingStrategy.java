package dev.braid.components.model.routing;

import java.util.Locale;

/** How a model step picks among its targets. */
public enum RoutingStrategy {
    /** Try targets in order; move on when one fails with a retryable error. */
    FALLBACK,
    /** Pick by weight (target option {@code weight}). */
    WEIGHTED,
    /** Prefer the target with the lowest moving-average latency. */
    LEAST_LATENCY,
    /** Prefer the target with the lowest price. */
    CHEAPEST;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static RoutingStrategy fromYamlName(String name) {
        for (RoutingStrategy s : values()) {
            if (s.yamlName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + name + "'");
    }
}
