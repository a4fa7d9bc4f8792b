package dev.braid.server.runtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.Set;

/** @param allowedSchemes endpoint schemes a pipeline's {@code camel} step may use */
@ConfigurationProperties("braid.camel")
public record CamelConfiguration(@Bindable(defaultValue = "log") Set<String> allowedSchemes) {}
