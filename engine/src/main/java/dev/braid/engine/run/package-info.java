/**
 * The bottom of the engine: the runtime types every step kind needs while a pipeline runs. The
 * per-invocation {@link dev.braid.engine.run.PipelineContext}, what a step did
 * ({@link dev.braid.engine.run.StepResult} with its {@link dev.braid.engine.run.StepStatus}), the
 * streamed deltas ({@link dev.braid.engine.run.DeltaStream}), the failures a caller sees
 * ({@link dev.braid.engine.run.InvocationException}) and every step's plan ({@code id}, {@code when}).
 * Depends on nothing else in the engine but {@code template}, so the step packages, the compiler and
 * the Camel host can all build on it without a cycle.
 */
package dev.braid.engine.run;
