package dev.braid.engine.runtime;

import dev.braid.components.model.Usage;

/**
 * What one step did in one invocation.
 *
 * @param status ok, skipped, failed or timeout
 * @param model {@code provider/model} for model steps, else null
 * @param usage tokens and cost of model steps, else null
 * @param error a short reason when failed or timed out, else null
 */
public record StepResult(String id, String status, long latencyMs, String model, Usage usage, String error) {}
