package dev.braid.server.responses;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;

/**
 * {@code braid.responses.*}: how long stored responses are kept.
 *
 * @param ttl how long a response stored with {@code store: true} (the default) stays readable by
 *     {@code GET /v1/responses/{id}} and usable as a {@code previous_response_id}; default 30 days
 * @param purgeInterval how often expired rows are deleted; default 10 minutes
 */
@ConfigurationProperties("braid.responses")
public record ResponsesConfiguration(@Nullable Duration ttl, @Nullable Duration purgeInterval) {

    public ResponsesConfiguration {
        ttl = ttl == null || ttl.isNegative() || ttl.isZero() ? Duration.ofDays(30) : ttl;
        purgeInterval = purgeInterval == null || purgeInterval.isNegative() || purgeInterval.isZero()
                ? Duration.ofMinutes(10) : purgeInterval;
    }
}
