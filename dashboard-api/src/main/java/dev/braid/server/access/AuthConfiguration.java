package dev.braid.server.access;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code braid.auth.*}.
 *
 * @param enabled false only in tests that are not about access: every request is then an admin
 *     (logged loudly at start)
 * @param reconcileInterval how often each instance reloads all keys from the database: the safety
 *     net under PostgreSQL NOTIFY, and the only mechanism on H2
 */
@ConfigurationProperties("braid.auth")
public record AuthConfiguration(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "5s") Duration reconcileInterval) {}
