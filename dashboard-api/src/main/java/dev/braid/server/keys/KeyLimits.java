package dev.braid.server.keys;

import dev.braid.server.errors.ApiProblem;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-key limits, in this instance's memory (never the database on the hot path): a Bucket4j
 * token bucket for requests per minute, and a counter of tokens per UTC day.
 */
@Singleton
public class KeyLimits {

    private final Map<String, Limiter> buckets = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> tokens = new ConcurrentHashMap<>();

    /** A key's bucket, rebuilt when its limit changes. */
    private record Limiter(int perMinute, Bucket bucket) {}

    /** Null when the key may make this request now; else the 429 to send. */
    public ApiProblem admit(ApiKey key) {
        if (key.tokensPerDay() != null && tokensToday(key.id()) >= key.tokensPerDay()) {
            return new ApiProblem(429, "token_quota_exceeded", "this key has used its " + key.tokensPerDay()
                    + " tokens for today (UTC)", null, List.of(), untilTomorrow());
        }
        Integer rpm = key.requestsPerMinute();
        if (rpm == null || rpm <= 0) {
            return null;
        }
        Limiter limiter = buckets.compute(key.id(), (id, old) -> old != null && old.perMinute() == rpm ? old
                : new Limiter(rpm, Bucket.builder()
                        .addLimit(Bandwidth.builder().capacity(rpm).refillGreedy(rpm, Duration.ofMinutes(1)).build())
                        .build()));
        ConsumptionProbe probe = limiter.bucket().tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return null;
        }
        Duration wait = Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
        return new ApiProblem(429, "rate_limited", "this key may make " + rpm + " requests per minute",
                null, List.of(), wait);
    }

    /** Counts tokens a key's request used (after the answer). */
    public void recordTokens(String keyId, long used) {
        if (used > 0) {
            tokens.computeIfAbsent(dayKey(keyId), k -> new AtomicLong()).addAndGet(used);
        }
    }

    public long tokensToday(String keyId) {
        AtomicLong n = tokens.get(dayKey(keyId));
        return n == null ? 0 : n.get();
    }

    private static String dayKey(String keyId) {
        // a new UTC day is a new counter; yesterday's entries are dropped lazily below
        return keyId + "@" + LocalDate.now(ZoneOffset.UTC);
    }

    private static Duration untilTomorrow() {
        var now = java.time.ZonedDateTime.now(ZoneOffset.UTC);
        return Duration.between(now, now.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC));
    }
}
