package dev.braid.server.limits;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Money spent this UTC month, per key and per pipeline, in micro-USD ({@link Counters}: local, or
 * Redis when shared). A request first {@link #reserve reserves} its worst-case cost against every
 * budget it falls under (each reservation an atomic check-and-add; all or nothing), then
 * {@link #settle settles} to the actual cost, or releases the reservation when it failed.
 * Concurrent requests, on one instance or (with Redis) many, never spend more than a budget.
 */
@Singleton
public class SpendLedger {

    private static final Duration KEEP = Duration.ofDays(32);

    private final Counters counters;

    public SpendLedger(SharedLimits shared) {
        this.counters = shared.counters();
    }

    /** One budget: its scope ({@code key:<id>} or {@code pipeline:<name>}) and cap. */
    public record Limit(String scope, long capMicros) {}

    /** What was reserved, to settle or release later. */
    public record Reservation(List<String> counters, long micros) {}

    /** Reserves {@code micros} under every limit; completes with null when one of them would be exceeded. */
    public CompletionStage<Reservation> reserve(List<Limit> limits, long micros) {
        return reserveFrom(limits, 0, new ArrayList<>(), micros);
    }

    private CompletionStage<Reservation> reserveFrom(List<Limit> limits, int i, List<String> taken, long micros) {
        if (i == limits.size()) {
            return CompletableFuture.completedFuture(new Reservation(List.copyOf(taken), micros));
        }
        String counter = counter(limits.get(i).scope());
        return counters.reserve(counter, micros, limits.get(i).capMicros(), KEEP).thenCompose(ok -> {
            if (!ok) {
                taken.forEach(c -> counters.add(c, -micros, KEEP)); // undo the budgets already taken
                return CompletableFuture.completedFuture(null);
            }
            taken.add(counter);
            return reserveFrom(limits, i + 1, taken, micros);
        });
    }

    /** Replaces the reservation with the actual cost (0 releases it). */
    public void settle(Reservation reservation, long actualMicros) {
        long delta = actualMicros - reservation.micros();
        if (delta != 0) {
            reservation.counters().forEach(c -> counters.add(c, delta, KEEP));
        }
    }

    /** Micro-USD spent (and reserved) this month under {@code scope}. */
    public CompletionStage<Long> spentMicros(String scope) {
        return counters.get(counter(scope));
    }

    private static String counter(String scope) {
        return "usd:" + scope + "@" + YearMonth.now(ZoneOffset.UTC);
    }

    public static long micros(double usd) {
        return (long) Math.ceil(usd * 1_000_000.0);
    }
}
