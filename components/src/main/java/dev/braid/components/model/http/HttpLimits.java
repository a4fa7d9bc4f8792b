package dev.braid.components.model.http;

import dev.braid.components.model.api.TargetOption;
import dev.braid.components.model.api.DurationText;
import dev.braid.components.model.api.Target;
import java.time.Duration;

/**
 * Timeouts and size limits of one provider's HTTP calls.
 *
 * @param connectTimeout TCP/TLS connect (set on the shared client, so per provider)
 * @param firstByteTimeout until the response headers arrive
 * @param totalTimeout the whole exchange, body or stream included; a scheduled deadline cancels it
 * @param maxBodyBytes largest JSON response body accepted
 * @param maxLineBytes longest SSE / NDJSON line accepted in a stream
 */
public record HttpLimits(
        Duration connectTimeout, Duration firstByteTimeout, Duration totalTimeout, long maxBodyBytes, int maxLineBytes) {

    /** Target options that override the limits per target ({@code firstByteTimeout: 5s}). */
    public static final String FIRST_BYTE_TIMEOUT_OPTION = TargetOption.FIRST_BYTE_TIMEOUT.key();
    public static final String TOTAL_TIMEOUT_OPTION = TargetOption.TOTAL_TIMEOUT.key();

    public static final HttpLimits DEFAULTS = new HttpLimits(
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5), 8L * 1024 * 1024, 1024 * 1024);

    public HttpLimits {
        if (connectTimeout == null || firstByteTimeout == null || totalTimeout == null) {
            throw new IllegalArgumentException("timeouts are required");
        }
        if (maxBodyBytes <= 0 || maxLineBytes <= 0) {
            throw new IllegalArgumentException("size limits must be positive");
        }
    }

    /** These limits with the target's {@code firstByteTimeout} / {@code totalTimeout} options applied. */
    public HttpLimits forTarget(Target target) {
        String fb = target.options().get(FIRST_BYTE_TIMEOUT_OPTION);
        String total = target.options().get(TOTAL_TIMEOUT_OPTION);
        if (fb == null && total == null) {
            return this;
        }
        return new HttpLimits(connectTimeout,
                fb == null ? firstByteTimeout : DurationText.parse(fb),
                total == null ? totalTimeout : DurationText.parse(total),
                maxBodyBytes, maxLineBytes);
    }

    public HttpLimits withTimeouts(Duration firstByte, Duration total) {
        return new HttpLimits(connectTimeout, firstByte, total, maxBodyBytes, maxLineBytes);
    }

    public HttpLimits withMaxBodyBytes(long max) {
        return new HttpLimits(connectTimeout, firstByteTimeout, totalTimeout, max, maxLineBytes);
    }
}
