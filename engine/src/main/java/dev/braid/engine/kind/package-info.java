/**
 * The contract between the pipeline language's machinery and one step kind: {@link
 * dev.braid.engine.kind.StepKind} (read, compile, the {@code braid:} operations and beans a kind
 * needs), what the reader hands a kind ({@link dev.braid.engine.kind.StepSource}) and what the compiler
 * offers it ({@link dev.braid.engine.kind.StepCompilation}). Knows no kind: the kinds live in
 * {@code dev.braid.engine.steps.<kind>} and are listed in {@code dev.braid.engine.steps.StepKinds}.
 */
package dev.braid.engine.kind;
