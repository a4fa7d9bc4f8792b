package dev.braid.server.usage;

import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Turns what a front door saw (an invocation envelope, a routed model response, or the error
 * instead) into usage records, hands them to the {@link UsageRecorder} and tells the
 * {@link UsageListener}s (metrics). Runs on whatever thread completed the request; it only builds
 * records and offers them to a queue.
 */
@Singleton
public class UsageCapture {

    private final UsageRecorder recorder;
    private final List<UsageListener> listeners;

    public UsageCapture(UsageRecorder recorder, List<UsageListener> listeners) {
        this.recorder = recorder;
        this.listeners = List.copyOf(listeners);
    }

    /** Call when a request starts; pass the value back to the capture methods. */
    public static long start() {
        return System.nanoTime();
    }

    /**
     * A pipeline invocation finished: one request row and one row per step that ran (skipped
     * steps did nothing and cost nothing). A failed invocation passes what it did before failing
     * ({@code result}, from {@code InvokeOptions.onFailure}, or null): its finished steps get their
     * rows, and the request row carries their tokens and cost, since providers bill them.
     */
    public void invocation(String requestId, String key, String source, String pipeline, long startNanos,
            InvocationResult result, Throwable error, Long firstTokenMs) {
        emit(invocationRows(requestId, key, source, pipeline, startNanos, result, error, firstTokenMs));
    }

    /**
     * A release's shadow run finished: rows as {@link #invocation}'s, marked {@code shadow}, the
     * request row with whether its output equalled the answer's ({@code match}, null when it failed).
     */
    public void shadowInvocation(String requestId, String key, String source, String pipeline, long startNanos,
            InvocationResult result, Throwable error, Boolean match) {
        List<UsageRecord> rows = invocationRows(requestId, key, source, pipeline, startNanos, result, error, null);
        emit(rows.stream().map(r -> r.asShadow(match)).toList());
    }

    private List<UsageRecord> invocationRows(String requestId, String key, String source, String pipeline,
            long startNanos, InvocationResult result, Throwable error, Long firstTokenMs) {
        long now = System.currentTimeMillis();
        List<UsageRecord> records = new ArrayList<>();
        boolean stepFailed = false;
        if (result != null) {
            for (StepResult s : result.steps()) {
                if (s.outcome() == StepStatus.SKIPPED) {
                    continue;
                }
                boolean stepOk = s.outcome() == StepStatus.OK;
                stepFailed |= !stepOk;
                Usage u = s.usage() == null ? Usage.ZERO : s.usage();
                String[] pm = splitModel(s.model());
                records.add(new UsageRecord(UsageRecord.Kind.STEP, source, requestId, key, result.pipeline(),
                        result.version(), s.id(), pm[0], s.model(), s.status(),
                        stepOk ? null : s.status(), s.latencyMs(), null,
                        u.promptTokens(), u.completionTokens(), u.totalTokens(), u.costUsd(), s.cached(), u.estimated(), now));
            }
        }
        if (error == null && result != null) {
            Usage u = result.usage() == null ? Usage.ZERO : result.usage();
            // a branch that failed under onBranchError: continue still answered 200: the request is ok
            records.add(new UsageRecord(UsageRecord.Kind.REQUEST, source, requestId, key, result.pipeline(),
                    result.version(), null, null, null, UsageStatus.OK.wire(), stepFailed ? "partial" : null, result.latencyMs(),
                    firstTokenMs, u.promptTokens(), u.completionTokens(), u.totalTokens(), u.costUsd(), false,
                    u.estimated(), now));
        } else {
            UsageRecord failed = failure(source, requestId, key, pipeline, null, null, startNanos, error, now);
            records.add(result == null ? failed : withSpend(failed, result));
        }
        return records;
    }

    /** A failed request's row with what its finished steps used and cost. */
    private static UsageRecord withSpend(UsageRecord r, InvocationResult run) {
        Usage u = run.usage() == null ? Usage.ZERO : run.usage();
        return new UsageRecord(r.kind(), r.source(), r.requestId(), r.keyId(), r.pipeline(), run.version(), r.step(),
                r.provider(), r.model(), r.status(), r.errorType(), r.latencyMs(), r.firstTokenMs(), u.promptTokens(),
                u.completionTokens(), u.totalTokens(), u.costUsd(), r.cached(), u.estimated(), r.occurredAtMs());
    }

    /**
     * A provider model called directly through {@code /v1} finished: a request row and its one
     * call row (so grouping by model counts it like a pipeline's model step).
     *
     * @param requested the {@code model} the caller asked for ({@code provider/model} or an alias)
     */
    public void modelCall(String requestId, String key, String source, String requested, long startNanos,
            ModelResponse response, Throwable error) {
        long now = System.currentTimeMillis();
        if (response == null) {
            String[] pm = splitModel(requested);
            UsageRecord failed = failure(source, requestId, key, null, pm[0], requested, startNanos, error, now);
            emit(List.of(failed, withKind(failed, UsageRecord.Kind.STEP)));
            return;
        }
        Usage u = response.usage();
        String model = response.provider() + "/" + response.model();
        Long firstToken = number(response.fields().get(ModelRouter.FIRST_TOKEN_MS_FIELD));
        boolean cached = Boolean.TRUE.equals(response.fields().get(ModelRouter.CACHED_FIELD));
        long latency = elapsedMs(startNanos);
        UsageRecord row = new UsageRecord(UsageRecord.Kind.REQUEST, source, requestId, key, null, null, null,
                response.provider(), model, UsageStatus.OK.wire(), null, latency, firstToken, u.promptTokens(), u.completionTokens(),
                u.totalTokens(), u.costUsd(), cached, u.estimated(), now);
        emit(List.of(row, withKind(row, UsageRecord.Kind.STEP)));
    }

    private UsageRecord failure(String source, String requestId, String key, String pipeline,
            String provider, String model, long startNanos, Throwable error, long now) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        UsageStatus status;
        String type;
        if (cause instanceof CancellationException) {
            status = UsageStatus.CANCELLED;
            type = "client_closed";
        } else {
            ApiProblem problem = ErrorResponses.problem(requestId, source + " " + (pipeline != null ? pipeline : model), cause);
            status = problem.status() == 504 ? UsageStatus.TIMEOUT : UsageStatus.ERROR;
            type = problem.code();
        }
        return new UsageRecord(UsageRecord.Kind.REQUEST, source, requestId, key, pipeline, null, null, provider, model,
                status.wire(), type, elapsedMs(startNanos), null, 0, 0, 0, 0.0, false, false, now);
    }

    private static UsageRecord withKind(UsageRecord r, UsageRecord.Kind kind) {
        return new UsageRecord(kind, r.source(), r.requestId(), r.keyId(), r.pipeline(), r.version(), r.step(),
                r.provider(), r.model(), r.status(), r.errorType(), r.latencyMs(), r.firstTokenMs(), r.promptTokens(),
                r.completionTokens(), r.totalTokens(), r.costUsd(), r.cached(), r.estimated(), r.occurredAtMs());
    }

    private void emit(List<UsageRecord> records) {
        for (UsageRecord r : records) {
            recorder.record(r);
            for (UsageListener l : listeners) {
                l.recorded(r);
            }
        }
    }

    private static String[] splitModel(String model) {
        if (model == null) {
            return new String[] {null, null};
        }
        int slash = model.indexOf('/');
        return slash > 0 ? new String[] {model.substring(0, slash), model.substring(slash + 1)}
                : new String[] {null, model};
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
