package dev.braid.engine.spec;

import java.util.List;
import java.util.Map;

/**
 * A parsed pipeline (apiVersion braid/v1, kind Pipeline).
 *
 * @param name {@code [a-z0-9-]{1,63}}
 * @param input the JSON Schema (subset) the invoke body's {@code input} must satisfy, or null
 * @param stream the id of the chat step whose tokens stream to the caller, or null
 * @param steps the top-level steps, run in order; the last one's output is the pipeline's output
 */
public record PipelineSpec(
        String apiVersion,
        String kind,
        String name,
        String description,
        Map<String, Object> input,
        String stream,
        List<StepSpec> steps) {

    public static final String API_VERSION = "braid/v1";
    public static final String KIND = "Pipeline";

    public PipelineSpec {
        steps = List.copyOf(steps);
    }

    /**
     * Every step, depth first: a step before the steps nested in it (a parallel step before its
     * branches). The one walk over steps and branches; the compiler's step order is this order.
     */
    public List<StepSpec> allSteps() {
        return StepSpec.allOf(steps);
    }

    /** The step with this id anywhere in the pipeline (branches included). */
    public java.util.Optional<StepSpec> find(String id) {
        return allSteps().stream().filter(s -> s.id().equals(id)).findFirst();
    }
}
