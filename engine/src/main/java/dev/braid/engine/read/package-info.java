/**
 * The reader: {@link dev.braid.engine.read.PipelineReader} parses pipeline YAML under hard limits and
 * {@code SpecBuilder} walks the node tree once, reading the pipeline's own keys and each step's
 * {@code id} and {@code when}, and handing what is under a kind's key to that kind
 * ({@link dev.braid.engine.steps.StepKinds}). Every error is collected with its line, column and path.
 */
package dev.braid.engine.read;
