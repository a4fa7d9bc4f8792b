package dev.braid.engine.compile;

/**
 * The end of a version: the last top-level step's output becomes the pipeline's output, with masked
 * originals put back when a mask step asked for {@code restore}.
 */
public record FinishBinding(String lastStepId, boolean restore) {}
