package dev.braid.engine.spec;

import dev.braid.components.guard.GuardAction;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.components.model.routing.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a step does: one key of the step's map names the kind. */
public sealed interface Step
        permits Step.Model, Step.Parallel, Step.Transform, Step.Aggregate, Step.Mask, Step.Guard, Step.Enrich,
                Step.Camel {

    /** The YAML key of this kind ({@code model}, {@code parallel}, …). */
    String kind();

    /** The steps nested in this one (a parallel step's branches), in order; none for the other kinds. */
    default List<StepSpec> children() {
        return List.of();
    }

    /** Whether this step's text can stream to the caller ({@code stream:} names it): a chat model step. */
    default boolean streamsText() {
        return false;
    }

    /**
     * Calls a model through the {@code model:} component. Exactly one of {@code prompt} and
     * {@code messages} is set for chat and vision; {@code text} is the input of sentiment,
     * embeddings and moderation. All strings may hold {@code {{…}}} templates.
     *
     * @param cache the step's response cache ({@code cache: {ttl, allowNonZeroTemperature}}); null = off
     * @param on the failures that retry or fall back ({@code on: [429, 5xx, timeout, connect]}); null = all
     * @param tools one reference to the functions the model may call, in the Chat Completions shape
     *     ({@code tools: "{{input.tools}}"}, what {@code pipeline/<name>} on {@code /v1/chat/completions}
     *     passes); null = none
     */
    record Model(
            ModelTask task,
            RoutingStrategy strategy,
            List<Target> targets,
            Duration timeout,
            int retries,
            Prompt prompt,
            String messages,
            String text,
            String image,
            Double temperature,
            Integer maxTokens,
            CachePolicy cache,
            Set<FallbackTrigger> on,
            String tools)
            implements Step {

        /** A step without {@code tools}. */
        public Model(ModelTask task, RoutingStrategy strategy, List<Target> targets, Duration timeout, int retries,
                Prompt prompt, String messages, String text, String image, Double temperature, Integer maxTokens,
                CachePolicy cache, Set<FallbackTrigger> on) {
            this(task, strategy, targets, timeout, retries, prompt, messages, text, image, temperature, maxTokens, cache,
                    on, null);
        }

        public String kind() {
            return "model";
        }

        @Override
        public boolean streamsText() {
            return task == ModelTask.CHAT;
        }
    }

    /** {@code prompt: {system, user}}; either may be null but not both. */
    record Prompt(String system, String user) {}

    /** Runs its branches at once (a Camel multicast); each branch writes {@code steps.<branchId>}. */
    record Parallel(Duration timeout, OnBranchError onBranchError, List<StepSpec> branches) implements Step {
        public String kind() {
            return "parallel";
        }

        @Override
        public List<StepSpec> children() {
            return branches;
        }
    }

    enum OnBranchError {
        CONTINUE,
        FAIL
    }

    /** Reshapes data with JSONata over {@code {input, steps, vars}}. */
    record Transform(String jsonata) implements Step {
        public String kind() {
            return "transform";
        }
    }

    /** Combines branch results with JSONata; fails with 422 {@code required_step_failed} when a {@code require}d step failed. */
    record Aggregate(String jsonata, List<String> require) implements Step {
        public String kind() {
            return "aggregate";
        }
    }

    /**
     * Masks PII in {@code input} (every string, or only {@code fields} such as {@code input.text});
     * {@code restore} puts originals back into the final output.
     *
     * @param output an output mask: masks the previous top-level step's output, and what the
     *     pipeline returns and streams, with placeholders that are never restored (no
     *     {@code fields}, no {@code restore}; empty {@code entities} means every built-in)
     */
    record Mask(List<String> entities, Map<String, String> custom, List<String> fields, boolean restore, boolean output)
            implements Step {
        public Mask(List<String> entities, Map<String, String> custom, List<String> fields, boolean restore) {
            this(entities, custom, fields, restore, false);
        }

        public String kind() {
            return "mask";
        }
    }

    /**
     * Checks the (masked) input: prompt injection (heuristics, then optionally an LLM judge) and size limits.
     *
     * @param output check the previous step's output instead of the input: block (502
     *     {@code output_blocked}) when it holds a masked original or a configured secret
     * @param classifier the LLM judge asked after the heuristics did not block; null = none
     * @param onClassifierError what a failing or unparseable judge means (ALLOW when null)
     */
    record Guard(GuardAction promptInjection, Integer maxInputTokens, Integer maxInputChars, boolean output,
            Classifier classifier, OnClassifierError onClassifierError)
            implements Step {
        public Guard {
            onClassifierError = onClassifierError == null ? OnClassifierError.ALLOW : onClassifierError;
        }

        public Guard(GuardAction promptInjection, Integer maxInputTokens, Integer maxInputChars, boolean output) {
            this(promptInjection, maxInputTokens, maxInputChars, output, null, null);
        }

        public Guard(GuardAction promptInjection, Integer maxInputTokens, Integer maxInputChars) {
            this(promptInjection, maxInputTokens, maxInputChars, false);
        }

        public String kind() {
            return "guard";
        }
    }

    /**
     * A guard's LLM judge ({@code classifier:}): routed like a model step (targets, strategy, timeout,
     * retries, {@code on}); a verdict whose score is at least {@code threshold} (0..1) matches.
     */
    record Classifier(RoutingStrategy strategy, List<Target> targets, Duration timeout, int retries,
            Set<FallbackTrigger> on, double threshold) {}

    /** What a guard does when its classifier fails or answers something unparseable. */
    enum OnClassifierError {
        ALLOW,
        BLOCK
    }

    /** An HTTP GET/POST lookup whose parsed JSON answer becomes {@code steps.<id>} and {@code vars.<id>}. */
    record Enrich(String url, String method, Map<String, String> headers, Object body, Duration timeout)
            implements Step {
        public String kind() {
            return "enrich";
        }
    }

    /**
     * The escape hatch: raw Camel YAML DSL processors run on the step's body. {@code steps} is the
     * parsed list of processors; endpoint schemes are checked against an allowlist.
     */
    record Camel(List<Object> steps) implements Step {
        public String kind() {
            return "camel";
        }
    }
}
