package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A pipeline and its active pointer (the one mutable thing the registry stores). */
@MappedEntity("pipelines")
public record PipelineRow(@Id String name, @Nullable Integer activeVersion, Instant createdAt, Instant updatedAt) {}
