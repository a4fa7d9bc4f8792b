package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * One audit event.
 *
 * @param eventType deploy, activate, rollback, or a release's: release_started, release_step,
 *     release_promoted, release_aborted, auto_rollback
 * @param activated whether this event changed the active version (to {@code version})
 * @param reverts no longer written (plain rollbacks once walked back a stack of activations; they now
 *     go to the most recently active version that is not rejected); kept for older rows
 * @param details a release event's figures as JSON (an auto rollback's limit and both arms), else null
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
        Instant occurredAt,
        @Nullable String details) {}
