package dev.braid.engine.runtime;

import dev.braid.components.model.api.Usage;

/**
 * What one step did in one invocation.
 *
 * @param status ok, skipped, failed or timeout
 * @param model {@code provider/model} for model steps, else null
 * @param usage tokens and cost of model steps, else null
 * @param error a short reason when failed or timed out, else null
 * @param cached a model step answered from the response cache (no provider call, cost 0)
 */
public record StepResult(
        String id, String status, long latencyMs, String model, Usage usage, String error, boolean cached) {

    /** A step that is not a cache hit: every kind but a model step with {@code cache:}. */
    public StepResult(String id, String status, long latencyMs, String model, Usage usage, String error) {
        this(id, status, latencyMs, model, usage, error, false);
    }
}
