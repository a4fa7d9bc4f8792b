package dev.braid.engine.steps.transform;

import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepOperation;
import dev.braid.engine.template.JsonataExpression;
import org.apache.camel.Exchange;

/** A transform step: its JSONata result becomes {@code steps.<id>} ({@code braid:transform}). */
public record TransformBinding(String id, JsonataExpression expression) implements StepOperation {

    @Override
    public void run(String operation, Exchange exchange, PipelineContext ctx) {
        Object out = InvocationException.evaluating(id, "transform", () -> expression.evaluate(ctx.view()));
        ctx.complete(id, out, ctx.ok(id));
    }
}
