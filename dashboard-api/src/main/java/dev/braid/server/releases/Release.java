package dev.braid.server.releases;

import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * One release as stored. {@code weight} is the candidate's percentage of unpinned traffic;
 * {@code stepIndex} indexes {@code steps} (-1 for a shadow-only release, which has no steps).
 *
 * @param guardJson the guard as given, normalised (JSON)
 * @param reason why it ended, else null; for an automatic rollback a JSON object naming the limit
 */
public record Release(
        String id,
        String pipeline,
        int stable,
        int candidate,
        ReleaseState state,
        int weight,
        int stepIndex,
        List<Integer> steps,
        long stepEveryMs,
        Sticky sticky,
        int shadowPercent,
        Guard guard,
        @Nullable String reason,
        String startedBy,
        long startedAtMs,
        long stepAtMs,
        long updatedAtMs,
        @Nullable Long endedAtMs) {

    public Release {
        steps = List.copyOf(steps);
    }

    boolean running() {
        return state == ReleaseState.RUNNING;
    }

    boolean lastStep() {
        return stepIndex == steps.size() - 1;
    }

    Release withState(ReleaseState next, int nextWeight, @Nullable String why, long now) {
        return new Release(id, pipeline, stable, candidate, next, nextWeight, stepIndex, steps, stepEveryMs, sticky,
                shadowPercent, guard, why, startedBy, startedAtMs, stepAtMs, now, next == ReleaseState.RUNNING ? null : now);
    }

    Release nextStep(long now) {
        int i = stepIndex + 1;
        return new Release(id, pipeline, stable, candidate, state, steps.get(i), i, steps, stepEveryMs, sticky,
                shadowPercent, guard, reason, startedBy, startedAtMs, now, now, endedAtMs);
    }
}
