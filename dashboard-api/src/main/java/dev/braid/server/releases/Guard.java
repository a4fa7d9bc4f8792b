package dev.braid.server.releases;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;

/**
 * The limits a candidate must keep; an omitted (null) limit is not checked. Checked only once the
 * candidate has at least {@code minRequests} requests in the window.
 *
 * @param window the figures' window, as given ({@code 5m}); its length is {@code windowMs}
 */
@Introspected
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Guard(
        String window,
        long windowMs,
        int minRequests,
        @Nullable Double maxErrorRate,
        @Nullable Double maxErrorRateIncrease,
        @Nullable Double maxP99LatencyMs,
        @Nullable Double maxP99Ratio,
        @Nullable Double maxCostPerRequestRatio) {

    public static final String DEFAULT_WINDOW = "5m";
    public static final int DEFAULT_MIN_REQUESTS = 50;

    /**
     * The first limit the candidate breaks, with what was measured, or null when it keeps them all
     * (or has too few requests to judge).
     */
    @Nullable Breach check(ArmFigures stable, ArmFigures candidate) {
        if (candidate.requests() < minRequests) {
            return null;
        }
        if (maxErrorRate != null && candidate.errorRate() > maxErrorRate) {
            return new Breach("maxErrorRate", maxErrorRate, candidate.errorRate());
        }
        if (maxErrorRateIncrease != null && stable.requests() > 0
                && candidate.errorRate() - stable.errorRate() > maxErrorRateIncrease) {
            return new Breach("maxErrorRateIncrease", maxErrorRateIncrease, candidate.errorRate() - stable.errorRate());
        }
        if (maxP99LatencyMs != null && candidate.p99Ms() > maxP99LatencyMs) {
            return new Breach("maxP99LatencyMs", maxP99LatencyMs, candidate.p99Ms());
        }
        if (maxP99Ratio != null && stable.requests() > 0 && stable.p99Ms() > 0
                && (double) candidate.p99Ms() / stable.p99Ms() > maxP99Ratio) {
            return new Breach("maxP99Ratio", maxP99Ratio, (double) candidate.p99Ms() / stable.p99Ms());
        }
        if (maxCostPerRequestRatio != null && stable.requests() > 0 && stable.costPerRequestUsd() > 0
                && candidate.costPerRequestUsd() / stable.costPerRequestUsd() > maxCostPerRequestRatio) {
            return new Breach("maxCostPerRequestRatio", maxCostPerRequestRatio,
                    candidate.costPerRequestUsd() / stable.costPerRequestUsd());
        }
        return null;
    }

    /** A broken limit: its name, its value and what the candidate showed. */
    record Breach(String limit, double allowed, double observed) {}
}
