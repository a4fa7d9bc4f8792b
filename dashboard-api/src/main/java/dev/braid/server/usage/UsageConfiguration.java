package dev.braid.server.usage;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code braid.usage.*}: the bounded queue between requests and the database writer.
 *
 * @param queueCapacity records held before new ones are dropped (counted, never blocking a request)
 * @param batchSize the most records one insert batch carries
 * @param flushInterval how long the writer waits to fill a batch before writing what it has
 */
@ConfigurationProperties("braid.usage")
public record UsageConfiguration(Integer queueCapacity, Integer batchSize, Duration flushInterval) {

    public UsageConfiguration {
        queueCapacity = queueCapacity == null ? 10_000 : Math.max(1, queueCapacity);
        batchSize = batchSize == null ? 500 : Math.max(1, batchSize);
        flushInterval = flushInterval == null ? Duration.ofMillis(500) : flushInterval;
    }
}
