package dev.braid.server.releases;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * @param evaluateInterval how often the evaluating instance checks every running release's guard and
 *     steps (at most 10 s, so a breach rolls back within 30 s)
 * @param reloadInterval how often every instance re-reads the running releases (the safety net under
 *     PostgreSQL LISTEN/NOTIFY, and the only mechanism on H2)
 */
@ConfigurationProperties("braid.releases")
public record ReleasesConfiguration(
        @Bindable(defaultValue = "5s") Duration evaluateInterval,
        @Bindable(defaultValue = "1s") Duration reloadInterval) {}
