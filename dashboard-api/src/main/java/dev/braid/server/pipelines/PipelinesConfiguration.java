package dev.braid.server.pipelines;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;

/**
 * Which pipelines the server deploys at startup.
 *
 * @param shipped whether to deploy the pipelines packaged in braid-pipelines
 * @param dir a directory whose {@code *.yaml} files are deployed too; a pipeline there replaces a
 *     shipped pipeline of the same name
 */
@ConfigurationProperties("braid.pipelines")
public record PipelinesConfiguration(@Bindable(defaultValue = "true") boolean shipped, @Nullable Path dir) {}
