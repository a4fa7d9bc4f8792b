package dev.braid.engine.steps.guard;

import dev.braid.components.guard.GuardPolicy;
import dev.braid.components.guard.GuardStepBinding;
import dev.braid.components.guard.GuardVerdict;
import dev.braid.components.mask.MaskVault;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * A guard step as {@code guard:} sees it: checks the current (masked) input; the verdict becomes
 * {@code steps.<id>}. An output guard checks the previous step's output instead, and first blocks
 * it when it holds a masked original or a configured secret.
 */
public final class GuardBinding implements GuardStepBinding {

    /**
     * An output guard's extra check.
     *
     * @param step the step whose output is checked (null: the input)
     * @param secrets what must never leave, besides the request's masked originals
     */
    public record OutputCheck(String step, List<Pattern> secrets) {
        public OutputCheck {
            secrets = List.copyOf(secrets);
        }
    }

    private final String id;
    private final GuardPolicy policy;
    private final OutputCheck output;
    private final boolean classifierFollows;

    GuardBinding(String id, GuardPolicy policy) {
        this(id, policy, null, false);
    }

    /** @param classifierFollows a {@link GuardClassifierBinding} completes the step after the judge answers */
    GuardBinding(String id, GuardPolicy policy, OutputCheck output, boolean classifierFollows) {
        this.id = id;
        this.policy = policy;
        this.output = output;
        this.classifierFollows = classifierFollows;
    }

    public String id() {
        return id;
    }

    @Override
    public GuardPolicy policy() {
        return policy;
    }

    @Override
    public Object read(Exchange exchange) {
        PipelineContext ctx = PipelineContext.of(exchange);
        if (output == null) {
            return ctx.input();
        }
        Object value = output.step() == null ? ctx.input() : ctx.output(output.step());
        String text = value == null ? "" : value instanceof String s ? s : String.valueOf(value);
        // the model had placeholders only: an original in its answer came from somewhere it must not
        for (String original : MaskVault.find(exchange).map(MaskVault::originals).orElse(List.of())) {
            if (!original.isEmpty() && text.contains(original)) {
                throw blocked("a masked value");
            }
        }
        for (Pattern secret : output.secrets()) {
            if (secret.matcher(text).find()) {
                throw blocked("a secret");
            }
        }
        return value;
    }

    // 502: the caller sent nothing wrong; what came back from upstream may not be shown (no detail of what matched)
    private InvocationException blocked(String what) {
        return new InvocationException.StepFailed(id, 502, "output_blocked",
                "guard step '" + id + "' blocked the output: it contains " + what);
    }

    @Override
    public void write(Exchange exchange, GuardVerdict verdict) {
        PipelineContext ctx = PipelineContext.of(exchange);
        if (output != null) {
            // transparent: the checked output passes on, so a last-step output guard keeps the pipeline's output
            Object value = output.step() == null ? ctx.input() : ctx.output(output.step());
            ctx.complete(id, value, new StepResult(id, verdict.flagged() ? StepStatus.FLAGGED : StepStatus.OK, ctx.elapsedMs(id), null, null, null));
            return;
        }
        if (classifierFollows) {
            exchange.setProperty(GuardClassifierBinding.HEURISTIC_VERDICT + id, verdict);
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flagged", verdict.flagged());
        out.put("score", verdict.score());
        out.put("rules", verdict.rules());
        ctx.complete(id, out, new StepResult(id, StepStatus.OK, ctx.elapsedMs(id), null, null, null));
    }
}
