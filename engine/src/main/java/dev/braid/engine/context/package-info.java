/**
 * The per-invocation state every step reads and writes: {@link dev.braid.engine.context.PipelineContext}.
 */
package dev.braid.engine.context;
