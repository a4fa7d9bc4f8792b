package dev.braid.components.model.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.braid.components.model.api.ModelResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * A {@link ResponseCache} in this JVM (Caffeine): bounded in entries (least recently and frequently
 * used go first), each entry expiring after the TTL it was stored with.
 */
public final class InMemoryResponseCache implements ResponseCache {

    public static final long DEFAULT_MAX_ENTRIES = 10_000;

    private record Entry(ModelResponse response, long ttlNanos) {}

    private final Cache<String, Entry> entries;

    public InMemoryResponseCache(long maxEntries) {
        this(maxEntries, System::nanoTime);
    }

    /** @param nanoTime the clock expiry is measured on (tests move it by hand) */
    public InMemoryResponseCache(long maxEntries, LongSupplier nanoTime) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1");
        }
        entries = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(nanoTime::getAsLong)
                .executor(Runnable::run) // evict on the caller's thread: no common-pool tasks
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry e, long now) {
                        return e.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry e, long now, long current) {
                        return e.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Entry e, long now, long current) {
                        return current; // reading does not extend an answer's life
                    }
                })
                .build();
    }

    @Override
    public CompletionStage<Optional<ModelResponse>> get(String key) {
        Entry e = entries.getIfPresent(key);
        return CompletableFuture.completedFuture(e == null ? Optional.empty() : Optional.of(e.response()));
    }

    @Override
    public CompletionStage<Void> put(String key, ModelResponse response, Duration ttl) {
        if (!ttl.isZero() && !ttl.isNegative()) {
            entries.put(key, new Entry(response, ttl.toNanos()));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Entries held now (expired ones may linger until the next access). */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
