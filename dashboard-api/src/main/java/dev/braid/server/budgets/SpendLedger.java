package dev.braid.server.budgets;

import jakarta.inject.Singleton;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Money spent this UTC month, per key and per pipeline, in micro-USD, in this instance's memory.
 * A request first {@link #reserve reserves} its worst-case cost against every budget it falls
 * under (all or nothing, lock-free), then {@link #settle settles} to the actual cost, or releases
 * the reservation when it failed. Concurrent requests therefore never spend more than a budget.
 */
@Singleton
public class SpendLedger {

    private final Map<String, AtomicLong> spent = new ConcurrentHashMap<>();

    /** One budget: its counter ({@code key:<id>} or {@code pipeline:<name>}) and cap. */
    public record Limit(String scope, long capMicros) {}

    /** What was reserved, to settle or release later. */
    public record Reservation(List<String> counters, long micros) {}

    /** Reserves {@code micros} under every limit, or nothing (null) when one of them would be exceeded. */
    public Reservation reserve(List<Limit> limits, long micros) {
        List<AtomicLong> taken = new ArrayList<>();
        List<String> counters = new ArrayList<>();
        for (Limit limit : limits) {
            String counter = counter(limit.scope());
            AtomicLong n = spent.computeIfAbsent(counter, c -> new AtomicLong());
            long before;
            do {
                before = n.get();
                if (before + micros > limit.capMicros()) {
                    taken.forEach(t -> t.addAndGet(-micros));
                    return null;
                }
            } while (!n.compareAndSet(before, before + micros));
            taken.add(n);
            counters.add(counter);
        }
        return new Reservation(List.copyOf(counters), micros);
    }

    /** Replaces the reservation with the actual cost (0 releases it). */
    public void settle(Reservation reservation, long actualMicros) {
        long delta = actualMicros - reservation.micros();
        for (String counter : reservation.counters()) {
            spent.computeIfAbsent(counter, c -> new AtomicLong()).addAndGet(delta);
        }
    }

    /** Micro-USD spent (and reserved) this month under {@code scope}. */
    public long spentMicros(String scope) {
        AtomicLong n = spent.get(counter(scope));
        return n == null ? 0 : n.get();
    }

    private static String counter(String scope) {
        return scope + "@" + YearMonth.now(ZoneOffset.UTC);
    }

    public static long micros(double usd) {
        return (long) Math.ceil(usd * 1_000_000.0);
    }
}
