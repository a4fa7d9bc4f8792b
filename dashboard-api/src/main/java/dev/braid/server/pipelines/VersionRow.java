package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * One immutable version: the exact YAML deployed, its sha256, and the Camel YAML it compiled to.
 *
 * @param author the deploying key's id, or "anonymous"
 */
@MappedEntity("pipeline_versions")
public record VersionRow(
        @Id @GeneratedValue @Nullable Long id,
        String pipeline,
        int versionNumber,
        String yaml,
        String sha256,
        String camelYaml,
        String author,
        @Nullable String message,
        Instant createdAt) {}
