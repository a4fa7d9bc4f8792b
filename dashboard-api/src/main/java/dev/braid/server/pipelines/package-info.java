/**
 * The pipeline registry and its admin API: immutable versions, active pointers, rejected versions
 * (which a plain rollback never returns to) and their audit events in the database ({@link dev.braid.server.pipelines.PipelineRegistry} and its
 * repositories), kept in step across instances ({@link dev.braid.server.pipelines.RegistrySync}),
 * the shipped pipelines deployed on first start, and {@code /api/pipelines…}.
 */
package dev.braid.server.pipelines;
