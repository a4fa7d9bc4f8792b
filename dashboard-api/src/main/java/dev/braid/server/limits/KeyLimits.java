package dev.braid.server.limits;

import dev.braid.server.http.ApiProblem;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key limits: a Bucket4j token bucket for requests per minute, and a count of tokens per UTC
 * day. In this instance's memory by default; shared through Redis when {@code braid.redis.uri} is
 * set ({@link SharedLimits}). Never the database, and never a blocked thread: Redis answers are
 * stages.
 */
@Singleton
public class KeyLimits {

    private static final Duration KEEP_DAY = Duration.ofDays(2);

    private final Map<String, Limiter> buckets = new ConcurrentHashMap<>();
    private final AsyncProxyManager<String> shared;
    private final Counters counters;

    /** A key's local bucket, rebuilt when its limit changes. */
    private record Limiter(int perMinute, Bucket bucket) {}

    public KeyLimits(SharedLimits limits) {
        this.shared = limits.buckets();
        this.counters = limits.counters();
    }

    /** Completes with null when the key may make this request now; else with the 429 to send. */
    public CompletionStage<ApiProblem> admit(KeyQuota key) {
        if (key.tokensPerDay() == null) {
            return rate(key);
        }
        return counters.get(dayCounter(key.keyId())).thenCompose(used -> used >= key.tokensPerDay()
                ? CompletableFuture.completedFuture(new ApiProblem(429, "token_quota_exceeded", "this key has used its "
                        + key.tokensPerDay() + " tokens for today (UTC)", null, List.of(), untilTomorrow()))
                : rate(key));
    }

    private CompletionStage<ApiProblem> rate(KeyQuota key) {
        Integer rpm = key.requestsPerMinute();
        if (rpm == null || rpm <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(rpm).refillGreedy(rpm, Duration.ofMinutes(1)).build())
                .build();
        CompletionStage<ConsumptionProbe> probe;
        if (shared != null) {
            // the limit is part of the name: a changed limit starts a fresh bucket
            probe = shared.builder().build(key.keyId() + ":" + rpm, () -> CompletableFuture.completedFuture(configuration))
                    .tryConsumeAndReturnRemaining(1);
        } else {
            Limiter limiter = buckets.compute(key.keyId(), (id, old) -> old != null && old.perMinute() == rpm ? old
                    : new Limiter(rpm, Bucket.builder().addLimit(configuration.getBandwidths()[0]).build()));
            probe = CompletableFuture.completedFuture(limiter.bucket().tryConsumeAndReturnRemaining(1));
        }
        return probe.thenApply(p -> p.isConsumed() ? null
                : new ApiProblem(429, "rate_limited", "this key may make " + rpm + " requests per minute", null,
                        List.of(), Duration.ofNanos(Math.max(1, p.getNanosToWaitForRefill()))));
    }

    /** Counts tokens a key's request used (after the answer); fire and forget. */
    public void recordTokens(String keyId, long used) {
        if (used > 0) {
            counters.add(dayCounter(keyId), used, KEEP_DAY);
        }
    }

    private static String dayCounter(String keyId) {
        return "tokens:" + keyId + "@" + LocalDate.now(ZoneOffset.UTC);
    }

    private static Duration untilTomorrow() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        return Duration.between(now, now.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC));
    }
}
