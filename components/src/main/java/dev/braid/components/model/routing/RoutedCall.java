package dev.braid.components.model.routing;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.pricing.PriceTable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Fallback execution: one routed call, its attempts one after another, never two at once. Each
 * attempt asks the target's circuit for a permit, calls (or streams from) the provider under a timeout
 * on the scheduler, and on a retryable failure retries the target after a backoff or moves on to the
 * next; the answer is priced and its missing usage estimated. See {@link ModelRouter} for the rules.
 */
final class RoutedCall {

    final ModelRequest request;
    final RoutingPolicy policy;
    final List<Target> order;
    /** Null for a plain call. */
    final Consumer<ModelDelta> sink;
    final long startNanos = System.nanoTime();
    final AtomicLong firstDeltaNanos = new AtomicLong(NONE);
    final CompletableFuture<ModelResponse> result = new CompletableFuture<>();
    /** The last error of every target given up on, in order. */
    final List<ModelException> failures = new ArrayList<>();
    /** Targets skipped for an open circuit. */
    final List<Skip> skipped = new ArrayList<>();

    private final ProviderRegistry providers;
    private final PriceTable prices;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final LatencyTracker latencies;
    private final TargetCircuits circuits;

    RoutedCall(ModelRouter router, ModelRequest request, RoutingPolicy policy, List<Target> order, Consumer<ModelDelta> sink) {
        this.providers = router.providers();
        this.prices = router.prices();
        this.scheduler = router.scheduler();
        this.random = router.random();
        this.backoff = router.backoff();
        this.latencies = router.latencies();
        this.circuits = router.circuits();
        this.request = request;
        this.policy = policy;
        this.order = order;
        this.sink = sink;
    }

    /** @param previous the error of this target's previous attempt, null on its first */
    void attempt(int index, int retry, ModelException previous) {
        Target target = order.get(index);
        ModelProvider provider = providers.find(target.provider()).orElse(null);
        if (provider == null) {
            // no circuit for a name nobody serves: callers must not grow the circuit map at will
            failed(index, retry, target,
                    new ModelException.ModelNotFound("unknown provider '" + target.provider() + "'"));
            return;
        }
        TargetCircuits.Circuit circuit = circuits.of(target);
        if (!circuit.tryAcquirePermission()) {
            if (previous != null) {
                failures.add(previous); // opened between retries: its last real error stands
            } else {
                skipped.add(new Skip(target, circuit.retryAfter()));
            }
            next(index);
            return;
        }
        Attempt attempt = new Attempt(this);
        CompletableFuture<ModelResponse> guarded = attempt.guarded;
        try {
            CompletableFuture<ModelResponse> call;
            try {
                call = (sink == null
                        ? provider.call(request, target)
                        : provider.stream(request, target, attempt::deliver)).toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            attempt.inFlight = call;
            call.whenComplete((r, e) -> {
                if (e == null) {
                    guarded.complete(r);
                } else {
                    guarded.completeExceptionally(e);
                }
            });
            if (!guarded.isDone()) {
                AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
                scheduleTimeout(attempt, target, timer, policy.timeout().toNanos());
                guarded.whenComplete((r, e) -> {
                    ScheduledFuture<?> t = timer.get();
                    if (t != null) {
                        t.cancel(false);
                    }
                });
            }
        } catch (RejectedExecutionException e) {
            circuit.release();
            attempt.settle();
            result.completeExceptionally(new IllegalStateException("the model component is stopped"));
            return;
        }
        guarded.whenComplete((response, error) -> {
            try {
                settled(index, retry, target, circuit, attempt, response, error);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    /**
     * A plain call times out {@code timeout} after it started; a stream when it stays silent that
     * long (before its first delta or between two), so the timer re-arms while deltas flow.
     */
    void scheduleTimeout(Attempt attempt, Target target, AtomicReference<ScheduledFuture<?>> timer, long delayNanos) {
        long timeoutNanos = policy.timeout().toNanos();
        timer.set(scheduler.schedule(() -> {
            if (attempt.guarded.isDone()) {
                return;
            }
            long idle = System.nanoTime() - attempt.lastActivityNanos;
            if (sink != null && idle < timeoutNanos) {
                try {
                    scheduleTimeout(attempt, target, timer, timeoutNanos - idle);
                    return;
                } catch (RejectedExecutionException e) {
                    // stopping: time out now rather than hang
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
            String what = sink == null ? " did not answer within " : " sent nothing for ";
            if (attempt.guarded.completeExceptionally(
                    new ModelException.ProviderTimeout(target.qualifiedName() + what + ms + " ms"))) {
                CompletableFuture<ModelResponse> f = attempt.inFlight;
                if (f != null) {
                    f.cancel(true); // lets an HTTP adapter abort its exchange
                }
            }
        }, delayNanos, TimeUnit.NANOSECONDS));
    }

    void settled(int index, int retry, Target target, TargetCircuits.Circuit circuit, Attempt attempt,
            ModelResponse response, Throwable error) {
        long elapsedNanos = System.nanoTime() - attempt.startNanos;
        boolean started = attempt.settle();
        if (error == null) {
            circuit.onSuccess(elapsedNanos);
            long firstDelta = firstDeltaNanos.get();
            // streams are measured to their first delta: a long answer is not a slow provider
            long measured = sink != null && firstDelta != NONE ? firstDelta - attempt.startNanos : elapsedNanos;
            latencies.record(target, TimeUnit.NANOSECONDS.toMillis(measured));
            result.complete(finish(response, target));
            return;
        }
        if (attempt.sinkFailure != null) {
            // the caller's sink failed, not the provider: no circuit outcome, no fallback
            circuit.release();
            CompletableFuture<ModelResponse> f = attempt.inFlight;
            if (f != null) {
                f.cancel(true);
            }
            result.completeExceptionally(attempt.sinkFailure);
            return;
        }
        ModelException classified = classify(error, target);
        circuit.onError(elapsedNanos, classified);
        if (started) {
            // text already reached the caller: another attempt would repeat it
            result.completeExceptionally(classified);
            return;
        }
        failed(index, retry, target, classified);
    }

    void failed(int index, int retry, Target target, ModelException error) {
        if (error instanceof ModelException.ProviderTimeout) {
            // a timeout is a lower bound of the latency: it pushes a hanging target back
            latencies.record(target, policy.timeout().toMillis());
        }
        if (!FallbackTrigger.fallsBack(error, policy.on())) {
            // not retryable, or a failure the step did not list under on: it is the answer
            result.completeExceptionally(error);
            return;
        }
        if (retry < policy.retries() && error.retryOnSameTarget()) {
            Duration retryAfter = error instanceof ModelException.ProviderError pe ? pe.retryAfter() : null;
            if (retryAfter == null || retryAfter.compareTo(backoff.maxRetryAfter()) <= 0) {
                long delay = retryAfter != null ? retryAfter.toMillis() : backoff.delayMillis(retry, random);
                try {
                    scheduler.schedule(() -> attempt(index, retry + 1, error), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(error);
                }
                return;
            }
            // the provider asks for a longer pause than we wait: try the next target instead
        }
        failures.add(error);
        next(index);
    }

    void next(int index) {
        if (index + 1 < order.size()) {
            attempt(index + 1, 0, null);
        } else {
            result.completeExceptionally(finalError());
        }
    }

    ModelException finalError() {
        if (failures.isEmpty()) {
            return allCircuitsOpen();
        }
        ModelException.ProviderError soonest = null;
        for (ModelException e : failures) {
            if (!(e instanceof ModelException.ProviderError pe) || pe.upstreamStatus() != 429) {
                return failures.get(failures.size() - 1);
            }
            if (soonest == null
                    || (pe.retryAfter() != null
                            && (soonest.retryAfter() == null || pe.retryAfter().compareTo(soonest.retryAfter()) < 0))) {
                soonest = pe;
            }
        }
        return soonest;
    }

    /** Every target was skipped: fail fast, and say when the first circuit may let a call through. */
    ModelException allCircuitsOpen() {
        Skip first = skipped.stream().min(Comparator.comparing(Skip::retryAfter)).orElseThrow();
        String names = String.join(", ", skipped.stream().map(s -> s.target().qualifiedName()).toList());
        return new ModelException.ProviderError(first.target().provider(), 503,
                "all targets unavailable (circuit open): " + names, first.retryAfter());
    }

    ModelResponse finish(ModelResponse response, Target target) {
        String provider = response.provider() != null ? response.provider() : target.provider();
        String model = response.model() != null ? response.model() : target.model();
        Usage u = UsageEstimator.estimateIfMissing(request, response, model);
        double cost = prices.costOf(Target.of(provider, model), u.promptTokens(), u.completionTokens());
        Usage priced = new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), cost, u.estimated());
        long now = System.nanoTime();
        long totalMs = TimeUnit.NANOSECONDS.toMillis(now - startNanos);
        Map<String, Object> fields = response.fields();
        if (sink != null) {
            long first = firstDeltaNanos.get();
            fields = new HashMap<>(fields);
            fields.put(ModelRouter.FIRST_TOKEN_MS_FIELD, TimeUnit.NANOSECONDS.toMillis((first != NONE ? first : now) - startNanos));
        }
        return new ModelResponse(provider, model, response.text(), response.toolCalls(), response.finishReason(),
                fields, priced, totalMs);
    }

    /** A target skipped because its circuit was open, and when it may be tried again. */
    private record Skip(Target target, Duration retryAfter) {}

    /**
     * One attempt's stream state. A delta may be delivered only while the attempt is live; the first
     * one moves it from {@code WAITING} to {@code STREAMING}. Settling the attempt swaps in {@code DONE}
     * atomically, so "did a delta reach the sink?" has exactly one answer, even when a timeout races a delta.
     */
    private static final int WAITING = 0;
    private static final int STREAMING = 1;
    private static final int DONE = 2;
    /** No delta yet ({@code System.nanoTime()} may be any long, but not this one in practice). */
    private static final long NONE = Long.MIN_VALUE;

    private static final class Attempt {
        final long startNanos = System.nanoTime();
        final AtomicInteger state = new AtomicInteger(WAITING);
        final CompletableFuture<ModelResponse> guarded = new CompletableFuture<>();
        final RoutedCall run;
        volatile long lastActivityNanos = startNanos;
        volatile CompletableFuture<ModelResponse> inFlight;
        volatile RuntimeException sinkFailure;

        Attempt(RoutedCall run) {
            this.run = run;
        }

        void deliver(ModelDelta delta) {
            while (true) {
                int s = state.get();
                if (s == DONE) {
                    return; // a settled attempt (timed out, failed, or answered) says nothing more
                }
                if (s == STREAMING) {
                    break;
                }
                if (state.compareAndSet(WAITING, STREAMING)) {
                    run.firstDeltaNanos.compareAndSet(NONE, System.nanoTime());
                    break;
                }
            }
            lastActivityNanos = System.nanoTime();
            try {
                run.sink.accept(delta);
            } catch (RuntimeException e) {
                sinkFailure = e;
                guarded.completeExceptionally(e);
            }
        }

        /** Ends the attempt; true when a delta had reached the sink. */
        boolean settle() {
            return state.getAndSet(DONE) == STREAMING;
        }
    }

    /** Maps whatever a provider failed with to the typed error callers see; messages carry no raw text. */
    static ModelException classify(Throwable error, Target target) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ModelException me) {
            return me;
        }
        if (e instanceof HttpTimeoutException) {
            return new ModelException.ProviderTimeout(target.qualifiedName() + " did not answer in time");
        }
        if (e instanceof ConnectException) {
            return ModelException.ProviderError.unreachable(
                    target.provider(), "cannot reach provider '" + target.provider() + "'");
        }
        if (e instanceof IOException) {
            return new ModelException.ProviderError(
                    target.provider(), 503, "cannot reach provider '" + target.provider() + "'", null);
        }
        return new ModelException.ProviderError(
                target.provider(), 500, "provider '" + target.provider() + "' failed", null);
    }
}
