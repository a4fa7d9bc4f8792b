package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/**
 * A pipeline as the registry holds it.
 *
 * @param rollbackTarget where a plain rollback would go now (the most recently active version that
 *     is not rejected); null when it would answer 409 {@code nothing_to_roll_back}
 * @param updatedAt the last change: a deploy, an activation or a rollback
 */
public record PipelineSummary(
        String name,
        @Nullable Integer activeVersion,
        int latestVersion,
        long versionCount,
        @Nullable Integer rollbackTarget,
        Instant createdAt,
        Instant updatedAt) {}
