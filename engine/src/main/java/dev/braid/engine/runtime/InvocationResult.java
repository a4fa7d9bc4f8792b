package dev.braid.engine.runtime;

import dev.braid.components.model.api.Usage;
import dev.braid.engine.run.StepResult;
import java.util.List;

/**
 * The envelope of one invocation (DESIGN.md, HTTP API): the last step's output, per-step results
 * in execution order, summed usage and cost, and the wall time.
 */
public record InvocationResult(
        String id, String pipeline, int version, Object output, List<StepResult> steps, Usage usage, long latencyMs) {}
