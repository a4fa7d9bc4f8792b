package dev.braid.engine.compile;

import dev.braid.components.guard.GuardPolicy;
import dev.braid.components.guard.GuardStepBinding;
import dev.braid.components.guard.GuardVerdict;
import dev.braid.engine.context.PipelineContext;
import dev.braid.engine.runtime.StepResult;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/** A guard step as {@code guard:} sees it: checks the current (masked) input; the verdict becomes {@code steps.<id>}. */
public final class GuardBinding implements GuardStepBinding {

    private final String id;
    private final GuardPolicy policy;

    GuardBinding(String id, GuardPolicy policy) {
        this.id = id;
        this.policy = policy;
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
        return PipelineContext.of(exchange).input();
    }

    @Override
    public void write(Exchange exchange, GuardVerdict verdict) {
        PipelineContext ctx = PipelineContext.of(exchange);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flagged", verdict.flagged());
        out.put("score", verdict.score());
        out.put("rules", verdict.rules());
        ctx.complete(id, out, new StepResult(id, "ok", ctx.elapsedMs(id), null, null, null));
    }
}
