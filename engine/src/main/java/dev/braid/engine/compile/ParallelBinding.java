package dev.braid.engine.compile;

import dev.braid.engine.spec.Step;
import java.time.Duration;
import java.util.List;

/**
 * A parallel step as {@code braid:join} sees it: the branch ids in multicast order (the multicast
 * index names the branch), what to do when one fails, and the timeout (null: none).
 */
public record ParallelBinding(String id, List<String> branchIds, Step.OnBranchError onBranchError, Duration timeout) {

    public ParallelBinding {
        branchIds = List.copyOf(branchIds);
        onBranchError = onBranchError == null ? Step.OnBranchError.FAIL : onBranchError;
    }
}
