package dev.braid.components.model.routing;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Waiting between retries of one target: exponential backoff with full jitter
 * (a uniform wait in {@code [0, min(cap, base * 2^retry)]}), and the longest provider
 * {@code Retry-After} the router is willing to wait for before moving on to the next target.
 */
public record Backoff(Duration base, Duration cap, Duration maxRetryAfter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10));

    public Backoff {
        if (base.isNegative() || cap.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoff durations must be >= 0");
        }
    }

    /** The wait before retry number {@code retry} (0 for the first retry), in milliseconds. */
    public long delayMillis(int retry, RandomGenerator random) {
        long ceiling = base.toMillis() << Math.min(retry, 20);
        ceiling = Math.min(cap.toMillis(), ceiling < 0 ? Long.MAX_VALUE : ceiling);
        return ceiling <= 0 ? 0 : random.nextLong(ceiling + 1);
    }
}
