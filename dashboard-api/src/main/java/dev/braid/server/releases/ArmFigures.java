package dev.braid.server.releases;

import io.micronaut.core.annotation.Introspected;
import java.util.Arrays;

/** One arm's figures over the guard window: requests, errors (any status but ok), latency, cost. */
@Introspected
public record ArmFigures(long requests, long errors, double errorRate, long p50Ms, long p99Ms, double costPerRequestUsd) {

    static final ArmFigures EMPTY = new ArmFigures(0, 0, 0, 0, 0, 0);

    /** From the arm's request rows: {@code latencies} need not be sorted (this sorts them). */
    static ArmFigures of(long errors, long[] latencies, int n, double cost) {
        if (n == 0) {
            return EMPTY;
        }
        Arrays.sort(latencies, 0, n);
        return new ArmFigures(n, errors, (double) errors / n, percentile(latencies, n, 0.50),
                percentile(latencies, n, 0.99), cost / n);
    }

    /** Nearest rank: the smallest value with at least {@code q} of the values at or below it. */
    private static long percentile(long[] sorted, int n, double q) {
        int rank = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }
}
