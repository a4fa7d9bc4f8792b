package dev.braid.engine.run;

import dev.braid.components.model.api.Usage;
import java.util.Objects;

/**
 * What one step did in one invocation.
 *
 * @param outcome ok, skipped, flagged, failed or timeout
 * @param model {@code provider/model} for model steps, else null
 * @param usage tokens and cost of model steps, else null
 * @param error a short reason when failed or timed out, else null
 * @param cached a model step answered from the response cache (no provider call, cost 0)
 */
public record StepResult(
        String id, StepStatus outcome, long latencyMs, String model, Usage usage, String error, boolean cached) {

    public StepResult {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A step that is not a cache hit: every kind but a model step with {@code cache:}. */
    public StepResult(String id, StepStatus outcome, long latencyMs, String model, Usage usage, String error) {
        this(id, outcome, latencyMs, model, usage, error, false);
    }

    /** The outcome's wire name ({@code ok}, {@code skipped}, …), as the envelope and usage records carry it. */
    public String status() {
        return outcome.wire();
    }
}
