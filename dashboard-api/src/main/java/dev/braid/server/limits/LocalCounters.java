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
 * A counter's first reservation here rebuilds it from the usage rows ({@link Backstop}), so a
 * restart does not give every key its whole budget again; additions to a counter not rebuilt yet
 * are dropped (the rows the rebuild reads hold them).
 */
public final class LocalCounters implements Counters {

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<AtomicLong>> seeding = new ConcurrentHashMap<>();
    private final Backstop backstop;

    public LocalCounters() {
        this(Backstop.NONE);
    }

    public LocalCounters(Backstop backstop) {
        this.backstop = backstop;
    }

    /** The counter, rebuilt from the usage rows on its first use here. */
    private CompletionStage<AtomicLong> counter(String name) {
        AtomicLong n = counters.get(name);
        if (n != null) {
            return CompletableFuture.completedFuture(n);
        }
        CompletableFuture<AtomicLong> mine = new CompletableFuture<>();
        CompletableFuture<AtomicLong> other = seeding.putIfAbsent(name, mine);
        if (other != null) {
            return other;
        }
        backstop.seed(name).whenComplete((total, failure) -> {
            if (failure != null) {
                seeding.remove(name, mine); // asked again next time
                mine.completeExceptionally(failure);
                return;
            }
            AtomicLong seeded = counters.computeIfAbsent(name, c -> new AtomicLong(total));
            seeding.remove(name, mine);
            mine.complete(seeded);
        });
        return mine;
    }

    @Override
    public CompletionStage<Long> get(String name) {
        AtomicLong n = counters.get(name);
        return CompletableFuture.completedFuture(n == null ? 0L : n.get());
    }

    @Override
    public CompletionStage<Long> add(String name, long delta, Duration ttl) {
        AtomicLong n = counters.get(name);
        return CompletableFuture.completedFuture(n == null ? 0L : n.addAndGet(delta));
    }

    @Override
    public CompletionStage<Boolean> reserve(String name, long amount, long cap, Duration ttl) {
        return counter(name).thenApply(n -> reserve(n, amount, cap));
    }

    private static boolean reserve(AtomicLong n, long amount, long cap) {
        long before;
        do {
            before = n.get();
            if (before + amount > cap) {
                return false;
            }
        } while (!n.compareAndSet(before, before + amount));
        return true;
    }

    @Override
    public CompletionStage<Long> reserveUpTo(String name, long amount, long cap, Duration ttl) {
        return counter(name).thenApply(n -> reserveUpTo(n, amount, cap));
    }

    private static long reserveUpTo(AtomicLong n, long amount, long cap) {
        long before;
        long take;
        do {
            before = n.get();
            take = Math.min(amount, cap - before);
            if (take <= 0) {
                return 0L;
            }
        } while (!n.compareAndSet(before, before + take));
        return take;
    }
}
