package dev.braid.engine.steps.aggregate;

import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepOperation;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import dev.braid.engine.template.JsonataExpression;
import java.util.List;
import org.apache.camel.Exchange;

/** An aggregate step: fails with 502 when a {@code require}d step failed, else like a transform. */
public record AggregateBinding(String id, JsonataExpression expression, List<String> require) implements StepOperation {

    public AggregateBinding {
        require = require == null ? List.of() : List.copyOf(require);
    }

    @Override
    public void run(String operation, Exchange exchange, PipelineContext ctx) {
        for (String required : require) {
            StepResult r = ctx.result(required);
            if (r != null && r.outcome().failed()) {
                String what = r.outcome() == StepStatus.TIMEOUT ? "timed out" : "failed";
                ctx.complete(id, null, new StepResult(id, StepStatus.FAILED, ctx.elapsedMs(id), null, null,
                        "required step '" + required + "' " + what));
                throw InvocationException.StepFailed.pipeline(id, "required_step_failed",
                        "step '" + id + "' requires step '" + required + "', which " + what);
            }
        }
        Object out = InvocationException.evaluating(id, "aggregate", () -> expression.evaluate(ctx.view()));
        ctx.complete(id, out, ctx.ok(id));
    }
}
