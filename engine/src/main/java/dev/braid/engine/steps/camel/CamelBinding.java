package dev.braid.engine.steps.camel;

import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepOperation;
import org.apache.camel.Exchange;

/** A camel step: {@code braid:camel-in} sets the body to the input, {@code braid:camel-out} stores the body. */
public record CamelBinding(String id) implements StepOperation {

    @Override
    public void run(String operation, Exchange exchange, PipelineContext ctx) {
        if (CamelKind.IN.equals(operation)) {
            exchange.getMessage().setBody(ctx.input());
        } else {
            ctx.complete(id, exchange.getMessage().getBody(), ctx.ok(id));
        }
    }
}
