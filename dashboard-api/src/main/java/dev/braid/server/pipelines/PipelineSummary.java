package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/**
 * A pipeline as the registry holds it.
 *
 * @param updatedAt the last change: a deploy, an activation or a rollback
 */
public record PipelineSummary(
        String name,
        @Nullable Integer activeVersion,
        int latestVersion,
        long versionCount,
        Instant createdAt,
        Instant updatedAt) {}
