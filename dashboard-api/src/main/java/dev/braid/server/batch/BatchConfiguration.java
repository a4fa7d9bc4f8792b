package dev.braid.server.batch;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How batch lines run ({@code braid.batch.*}).
 *
 * @param concurrency lines in flight at once per provider target (a provider, an alias, a pipeline), per instance
 * @param maxInFlight lines one instance holds claimed at once, across targets
 * @param pollInterval how often an idle worker looks for lines
 * @param lease how long a claimed line stays its worker's: a line still running after it (its
 *     instance died) is claimed again. Longer than the slowest call
 * @param maxAttempts how often a line refused with 429 (rate limits) is tried before it fails
 * @param broker {@code database}: in-process workers claiming lines from the database ({@code rabbitmq}
 *     is reserved for the RabbitMQ broker, not built yet: a server configured with it refuses to start)
 * @param workers false: this instance serves the API but runs no lines
 */
@ConfigurationProperties("braid.batch")
public record BatchConfiguration(
        @Bindable(defaultValue = "32") int concurrency,
        @Bindable(defaultValue = "128") int maxInFlight,
        @Bindable(defaultValue = "200ms") Duration pollInterval,
        @Bindable(defaultValue = "5m") Duration lease,
        @Bindable(defaultValue = "8") int maxAttempts,
        @Bindable(defaultValue = "database") Broker broker,
        @Bindable(defaultValue = "true") boolean workers) {

    /** Where line work is handed out. */
    public enum Broker {
        /** Workers on every instance claim lines from the database ({@code FOR UPDATE SKIP LOCKED}). */
        DATABASE,
        /** Lines travel through durable RabbitMQ queues ({@code braid.rabbitmq.uri}). */
        RABBITMQ
    }
}
