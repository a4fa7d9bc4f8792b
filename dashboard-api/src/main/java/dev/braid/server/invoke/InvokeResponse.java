package dev.braid.server.invoke;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.braid.components.model.api.Usage;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.run.StepResult;
import io.micronaut.core.annotation.Introspected;
import java.util.List;

/**
 * The invoke envelope (DESIGN.md, HTTP API): {@code id, pipeline, version, release (while a release
 * routed the call), output,
 * steps:[{id,status,latencyMs,model,usage}], usage, latencyMs}. Null step fields are left out;
 * {@code output} is always present, even when the pipeline produced null.
 */
@Introspected
public record InvokeResponse(
        String id,
        String pipeline,
        int version,
        @JsonInclude(JsonInclude.Include.NON_NULL) ReleaseArm release,
        @JsonInclude(JsonInclude.Include.ALWAYS) Object output,
        List<Step> steps,
        UsageTotals usage,
        long latencyMs) {

    @Introspected
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(
            String id, String status, long latencyMs, String model, UsageTotals usage, String error, Boolean cached) {

        /** {@code cached} is only written when true: a hit is the exception worth pointing out. */
        static Step of(StepResult result) {
            return new Step(
                    result.id(),
                    result.status(),
                    result.latencyMs(),
                    result.model(),
                    result.usage() == null ? null : UsageTotals.of(result.usage()),
                    result.error(),
                    result.cached() ? Boolean.TRUE : null);
        }
    }

    /** Tokens and cost; whether the tokens were estimated stays internal for now. */
    @Introspected
    public record UsageTotals(long promptTokens, long completionTokens, long totalTokens, double costUsd) {

        static UsageTotals of(Usage usage) {
            Usage u = usage == null ? Usage.ZERO : usage;
            return new UsageTotals(u.promptTokens(), u.completionTokens(), u.totalTokens(), u.costUsd());
        }
    }

    /** The release that routed this call and the arm it took; only on answers a release routed. */
    @Introspected
    public record ReleaseArm(String id, String arm) {}

    public static InvokeResponse of(InvocationResult result) {
        return of(result, null);
    }

    public static InvokeResponse of(InvocationResult result, ReleaseArm release) {
        List<Step> steps = result.steps() == null
                ? List.of()
                : result.steps().stream().map(Step::of).toList();
        return new InvokeResponse(
                result.id(),
                result.pipeline(),
                result.version(),
                release,
                result.output(),
                steps,
                UsageTotals.of(result.usage()),
                result.latencyMs());
    }
}
