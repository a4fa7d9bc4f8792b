package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * One audit event.
 *
 * @param eventType deploy, activate or rollback
 * @param activated whether this event changed the active version (to {@code version})
 * @param reverts for a plain rollback, the id of the activation it undid
 */
@MappedEntity("audit_events")
public record AuditRow(
        @Id @GeneratedValue @Nullable Long id,
        String eventType,
        String pipeline,
        int version,
        @Nullable Integer fromVersion,
        boolean activated,
        @Nullable Long reverts,
        String actorId,
        String actorName,
        Instant occurredAt) {}
