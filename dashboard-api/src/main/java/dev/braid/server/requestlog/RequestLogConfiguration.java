package dev.braid.server.requestlog;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;

/**
 * {@code braid.request-log.*}: the request log's text. Metadata (time, key, door, pipeline or model,
 * version, status, latency, tokens, cost, request id) is always listed, from the usage rows.
 *
 * @param text store each request's prompt and answer text (masked: e-mail addresses, phone, card and
 *     account numbers, IP addresses, configured secrets and provider keys); off by default
 * @param textRetention how long stored text is kept before it is deleted
 * @param maxTextChars the most characters kept of a prompt or an answer (longer text is cut)
 * @param queueCapacity texts waiting to be written before new ones are dropped (counted, never blocking a request)
 */
@ConfigurationProperties("braid.request-log")
public record RequestLogConfiguration(@Nullable Boolean text, @Nullable Duration textRetention,
        @Nullable Integer maxTextChars, @Nullable Integer queueCapacity) {

    public RequestLogConfiguration {
        text = text != null && text;
        textRetention = textRetention == null || textRetention.isNegative() || textRetention.isZero()
                ? Duration.ofDays(7) : textRetention;
        maxTextChars = maxTextChars == null ? 8000 : Math.max(100, Math.min(maxTextChars, 65_536));
        queueCapacity = queueCapacity == null ? 2000 : Math.max(1, queueCapacity);
    }
}
