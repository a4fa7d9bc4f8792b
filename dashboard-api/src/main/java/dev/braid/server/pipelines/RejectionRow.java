package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A rejected version: a plain rollback never returns to it until it is activated again.
 *
 * @param reason the event that rejected it: {@code rollback} (later {@code abort}, {@code auto_rollback})
 */
@MappedEntity("version_rejections")
public record RejectionRow(
        @Id @GeneratedValue @Nullable Long id,
        String pipeline,
        int versionNumber,
        String reason,
        Instant rejectedAt) {}
