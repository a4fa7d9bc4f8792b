package dev.braid.engine.runtime;

import dev.braid.components.mask.MaskVault;
import dev.braid.components.mask.Masker;
import dev.braid.components.step.StepBindings;
import dev.braid.engine.compile.FinishBinding;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepOperation;
import dev.braid.engine.run.StepPlan;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import java.util.Optional;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Runs one {@code braid:} operation. {@code begin}, {@code when} and {@code finish} are the
 * pipeline's frame and run here; every other operation belongs to a step kind and runs in that
 * step's binding ({@link StepOperation}), found by the step key.
 */
final class BraidProducer extends DefaultAsyncProducer {

    private final BraidEndpoint endpoint;
    private final StepBindings bindings;
    private final String key;

    BraidProducer(BraidEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.bindings = endpoint.getComponent().bindings();
        this.key = endpoint.getStep();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String operation = endpoint.operation();
        try {
            switch (operation) {
                case BraidComponent.BEGIN -> PipelineContext.of(exchange).begin(bindings.lookup(key, StepPlan.class).id());
                case BraidComponent.WHEN -> when(exchange, PipelineContext.of(exchange));
                case BraidComponent.FINISH -> finish(exchange, PipelineContext.of(exchange));
                default -> {
                    StepOperation step = bindings.lookup(key, StepOperation.class);
                    return step.runAsync(operation, exchange, endpoint.getComponent(), callback);
                }
            }
        } catch (Exception e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    private void when(Exchange exchange, PipelineContext ctx) {
        StepPlan plan = bindings.lookup(key, StepPlan.class);
        ctx.begin(plan.id());
        boolean enabled;
        try {
            enabled = plan.when() == null || plan.when().test(ctx.view());
        } catch (RuntimeException e) {
            throw InvocationException.StepFailed.pipeline(
                    plan.id(), "step_failed", "the when condition of step '" + plan.id() + "' failed: " + e.getMessage());
        }
        exchange.setProperty(StepPlan.ENABLED_PROPERTY, enabled);
        if (!enabled) {
            ctx.complete(plan.id(), null, new StepResult(plan.id(), StepStatus.SKIPPED, 0, null, null, null));
        }
    }

    private void finish(Exchange exchange, PipelineContext ctx) {
        FinishBinding b = bindings.lookup(key, FinishBinding.class);
        Object output = ctx.output(b.lastStepId());
        if (b.restore()) {
            // originals go back into the final output only; every step before saw placeholders
            Optional<MaskVault> vault = MaskVault.find(exchange);
            if (vault.isPresent()) {
                output = vault.get().restoreDeep(output);
            }
        }
        if (!b.outputMaskers().isEmpty()) {
            // after restore, so output masking wins: a restored original is masked again
            MaskVault out = MaskVault.of(exchange).outputVault();
            for (Masker masker : b.outputMaskers()) {
                output = masker.maskDeep(output, out);
            }
        }
        exchange.getMessage().setBody(output);
    }
}
