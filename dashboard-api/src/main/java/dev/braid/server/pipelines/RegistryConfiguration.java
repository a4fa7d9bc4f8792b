package dev.braid.server.pipelines;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * @param reconcileInterval how often every instance compares the database's active pointers with
 *     what it runs (the safety net under PostgreSQL LISTEN/NOTIFY, and the only mechanism on H2)
 * @param pinnedIdleTimeout a loaded version that is not active is unloaded after this long without calls
 * @param notifications whether to LISTEN for other instances' changes on PostgreSQL
 */
@ConfigurationProperties("braid.registry")
public record RegistryConfiguration(
        @Bindable(defaultValue = "5s") Duration reconcileInterval,
        @Bindable(defaultValue = "5m") Duration pinnedIdleTimeout,
        @Bindable(defaultValue = "true") boolean notifications) {}
