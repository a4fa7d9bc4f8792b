package dev.braid.server.limits;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters in this instance's memory. Names carry their period (day or month), so a new period is
 * a new counter; old ones are few (one per key and period) and are not reclaimed before restart.
 */
public final class LocalCounters implements Counters {

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Long> get(String name) {
        AtomicLong n = counters.get(name);
        return CompletableFuture.completedFuture(n == null ? 0L : n.get());
    }

    @Override
    public CompletionStage<Long> add(String name, long delta, Duration ttl) {
        return CompletableFuture.completedFuture(counters.computeIfAbsent(name, c -> new AtomicLong()).addAndGet(delta));
    }

    @Override
    public CompletionStage<Boolean> reserve(String name, long amount, long cap, Duration ttl) {
        AtomicLong n = counters.computeIfAbsent(name, c -> new AtomicLong());
        long before;
        do {
            before = n.get();
            if (before + amount > cap) {
                return CompletableFuture.completedFuture(false);
            }
        } while (!n.compareAndSet(before, before + amount));
        return CompletableFuture.completedFuture(true);
    }
}
