package dev.braid.engine.compile;

import dev.braid.components.guard.GuardAction;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Hand-built pipeline specs for compiler and runtime tests. */
public final class Specs {

    private Specs() {}

    public static PipelineSpec pipeline(String name, StepSpec... steps) {
        return pipeline(name, null, steps);
    }

    public static PipelineSpec pipeline(String name, Map<String, Object> input, StepSpec... steps) {
        return new PipelineSpec(PipelineSpec.API_VERSION, PipelineSpec.KIND, name, null, input, null, List.of(steps));
    }

    public static StepSpec step(String id, Step step) {
        return new StepSpec(id, null, step, new SourcePosition(1, 1, "steps[?]"));
    }

    public static StepSpec when(String id, String when, Step step) {
        return new StepSpec(id, when, step, new SourcePosition(1, 1, "steps[?]"));
    }

    public static Step.Transform transform(String jsonata) {
        return new Step.Transform(jsonata);
    }

    public static Step.Aggregate aggregate(String jsonata, String... require) {
        return new Step.Aggregate(jsonata, List.of(require));
    }

    public static Step.Parallel parallel(Duration timeout, Step.OnBranchError onError, StepSpec... branches) {
        return new Step.Parallel(timeout, onError, List.of(branches));
    }

    /** A chat step on one target with a system and user prompt. */
    public static Step.Model chat(Target target, String system, String user) {
        return new Step.Model(ModelTask.CHAT, RoutingStrategy.FALLBACK, List.of(target), null, 0,
                new Step.Prompt(system, user), null, null, null, null, null, null, null);
    }

    public static Step.Model model(ModelTask task, Target target, Step.Prompt prompt, String messages, String text,
            String image) {
        return new Step.Model(task, RoutingStrategy.FALLBACK, List.of(target), null, 0, prompt, messages, text, image,
                null, null, null, null);
    }

    public static Step.Mask mask(boolean restore, String... fields) {
        return new Step.Mask(List.of("EMAIL", "PHONE"), Map.of(), List.of(fields), restore);
    }

    public static Step.Guard guard(GuardAction injection) {
        return new Step.Guard(injection, null, null);
    }

    public static Step.Camel camel(Object... processors) {
        return new Step.Camel(List.of(processors));
    }

    public static Step.Enrich enrich(String url, Duration timeout) {
        return new Step.Enrich(url, "GET", Map.of(), null, timeout);
    }
}
