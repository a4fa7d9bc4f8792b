package dev.braid.engine.run;

/**
 * A piece of text streamed by a pipeline's {@code stream:} step while the pipeline runs
 * (already restored when a mask step asked for {@code restore: true}, then masked by every
 * {@code mask: {output: true}} step).
 */
public record StepDelta(String stepId, String text) {}
