package dev.braid.engine.steps.parallel;

import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepOperation;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import dev.braid.engine.spec.Step;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * A parallel step as {@code braid:join} sees it: the branch ids in multicast order (the multicast
 * index names the branch), what to do when one fails, and the timeout (null: none).
 */
public record ParallelBinding(String id, List<String> branchIds, Step.OnBranchError onBranchError, Duration timeout)
        implements StepOperation {

    public ParallelBinding {
        branchIds = List.copyOf(branchIds);
        onBranchError = onBranchError == null ? Step.OnBranchError.FAIL : onBranchError;
    }

    /** {@code braid:join}: records failed and timed-out branches, applies {@code onBranchError}. */
    @Override
    @SuppressWarnings("unchecked")
    public void run(String operation, Exchange exchange, PipelineContext ctx) throws Exception {
        Map<Integer, Throwable> errors = exchange.getProperty(ParallelStrategy.BRANCH_ERRORS, Map.class);
        exchange.removeProperty(ParallelStrategy.BRANCH_ERRORS);
        exchange.removeProperty(ParallelStrategy.TIMED_OUT);
        Throwable firstError = null;
        String timedOut = null;
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < branchIds.size(); i++) {
            String branch = branchIds.get(i);
            Throwable error = errors == null ? null : errors.get(i);
            if (error != null) {
                ctx.complete(branch, null, new StepResult(branch, StepStatus.FAILED, ctx.elapsedMs(branch), null, null,
                        shortReason(error)));
                if (firstError == null) {
                    firstError = error;
                }
            } else if (ctx.result(branch) == null) {
                // no result and no error: the multicast gave up on this branch (it runs on, ignored)
                long ms = timeout == null ? ctx.elapsedMs(branch) : timeout.toMillis();
                if (ctx.complete(branch, null, new StepResult(branch, StepStatus.TIMEOUT, ms, null, null,
                        "no answer within " + ms + " ms")) && timedOut == null) {
                    timedOut = branch;
                }
            }
            out.put(branch, ctx.output(branch));
        }
        if (onBranchError == Step.OnBranchError.FAIL) {
            if (firstError != null) {
                ctx.complete(id, null, new StepResult(id, StepStatus.FAILED, ctx.elapsedMs(id), null, null,
                        shortReason(firstError)));
                throw firstError instanceof Exception e ? e : new RuntimeException(firstError);
            }
            if (timedOut != null) {
                long ms = timeout == null ? 0 : timeout.toMillis();
                ctx.complete(id, null, new StepResult(id, StepStatus.FAILED, ctx.elapsedMs(id), null, null,
                        "branch '" + timedOut + "' timed out"));
                throw new InvocationException.StepFailed(id, 504, "branch_timeout",
                        "branch '" + timedOut + "' of step '" + id + "' gave no answer within " + ms + " ms");
            }
        }
        ctx.complete(id, out, ctx.ok(id));
    }

    private static String shortReason(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
