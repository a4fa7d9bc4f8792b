package dev.braid.server.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * {@code braid_limit_rejections_total{code}}: requests refused by a rate limit, token quota or
 * budget. The access filter calls {@link #rejected} with the error code it answered; codes outside
 * the known set count as {@code other}, so the series stay bounded.
 */
@Singleton
public class LimitMetrics {

    static final Set<String> CODES = Set.of("rate_limited", "token_quota_exceeded", "budget_exceeded");

    private final MeterRegistry registry;

    public LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one refusal; {@code code} is the error code the caller got (e.g. {@code rate_limited}). */
    public void rejected(String code) {
        String tag = code != null && CODES.contains(code) ? code : "other";
        Counter.builder("braid.limit.rejections")
                .description("Requests refused by a rate limit, token quota or budget")
                .tag("code", tag)
                .register(registry)
                .increment();
    }
}
