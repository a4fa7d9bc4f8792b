package dev.braid.server.runtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** @param drainTimeout how long in-flight exchanges may run on a version after it was replaced */
@ConfigurationProperties("braid.runtime")
public record RuntimeConfiguration(@Bindable(defaultValue = "30s") Duration drainTimeout) {}
