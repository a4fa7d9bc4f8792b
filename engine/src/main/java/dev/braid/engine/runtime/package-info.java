/**
 * The runtime: one CamelContext holding every loaded pipeline version
 * ({@link dev.braid.engine.runtime.PipelineRuntime}), the engine's own {@code braid:} component
 * (begin, when, transform, aggregate, enrich, join, finish, camel-in, camel-out), the step-binding
 * registry and the parallel aggregation strategy.
 */
package dev.braid.engine.runtime;
