package dev.braid.components.model;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Executes a {@link RoutingPolicy} for one request without blocking a thread: the strategy orders
 * the targets, each target gets {@code 1 + retries} attempts, and a retryable failure (429, 5xx,
 * timeout, connection) moves on to the next target. Timeouts and backoff waits are scheduled on
 * the shared scheduler; a non-retryable failure (400, 404 …) ends the call at once.
 *
 * <p>Which error a call fails with when every target failed: the last error, except when every
 * target ended rate limited (429): then the 429 with the shortest {@code Retry-After}, so the
 * caller's {@code Retry-After} names the earliest moment any target may answer again.
 *
 * <p>The router is also the one place that prices a call: providers report tokens, the router sets
 * {@link Usage#costUsd()} from the {@link PriceTable}, so overrides apply to every provider alike.
 */
public final class ModelRouter {

    /** Target option read by {@link RoutingStrategy#WEIGHTED}. */
    public static final String WEIGHT_OPTION = "weight";

    private final ProviderRegistry providers;
    private final PriceTable prices;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final LatencyTracker latencies = new LatencyTracker();

    public ModelRouter(ProviderRegistry providers, PriceTable prices, ScheduledExecutorService scheduler) {
        this(providers, prices, scheduler, () -> ThreadLocalRandom.current().nextLong(), Backoff.DEFAULT);
    }

    /** @param random source of jitter and weighted picks; must be safe for concurrent use */
    public ModelRouter(
            ProviderRegistry providers,
            PriceTable prices,
            ScheduledExecutorService scheduler,
            RandomGenerator random,
            Backoff backoff) {
        this.providers = providers;
        this.prices = prices;
        this.scheduler = scheduler;
        this.random = random;
        this.backoff = backoff;
    }

    public ProviderRegistry providers() {
        return providers;
    }

    public PriceTable prices() {
        return prices;
    }

    public LatencyTracker latencies() {
        return latencies;
    }

    /** Runs the policy; the stage fails with a {@link ModelException} (never wrapped). */
    public CompletionStage<ModelResponse> route(ModelRequest request, RoutingPolicy policy) {
        List<Target> order;
        try {
            order = plan(policy);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Run run = new Run(request, policy, order);
        run.attempt(0, 0);
        return run.result;
    }

    /** The order in which the targets will be tried for one call, as the strategy decides it now. */
    public List<Target> plan(RoutingPolicy policy) {
        List<Target> targets = policy.targets();
        return switch (policy.strategy()) {
            case FALLBACK -> targets;
            case WEIGHTED -> weightedOrder(targets);
            case LEAST_LATENCY -> targets.stream()
                    // never-observed targets first, so every target gets measured
                    .sorted(Comparator.comparingDouble(t -> {
                        OptionalDouble avg = latencies.average(t);
                        return avg.isPresent() ? avg.getAsDouble() : -1.0;
                    }))
                    .toList();
            case CHEAPEST -> targets.stream()
                    // unpriced targets last: an unknown price may be any price
                    .sorted(Comparator.comparingDouble(t -> prices.priceOf(t)
                            .map(PriceTable.Price::blended)
                            .orElse(Double.MAX_VALUE)))
                    .toList();
        };
    }

    private List<Target> weightedOrder(List<Target> targets) {
        List<Target> remaining = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        List<Target> zero = new ArrayList<>();
        for (Target t : targets) {
            double w = weightOf(t);
            if (w > 0) {
                remaining.add(t);
                weights.add(w);
            } else {
                zero.add(t);
            }
        }
        List<Target> order = new ArrayList<>(targets.size());
        while (!remaining.isEmpty()) {
            double sum = 0;
            for (double w : weights) {
                sum += w;
            }
            double r = random.nextDouble() * sum;
            int pick = remaining.size() - 1;
            for (int i = 0; i < remaining.size(); i++) {
                r -= weights.get(i);
                if (r < 0) {
                    pick = i;
                    break;
                }
            }
            order.add(remaining.remove(pick));
            weights.remove(pick);
        }
        order.addAll(zero);
        return order;
    }

    private static double weightOf(Target t) {
        String w = t.options().get(WEIGHT_OPTION);
        if (w == null) {
            return 1.0;
        }
        try {
            double v = Double.parseDouble(w);
            if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "target " + t.qualifiedName() + ": weight must be a number >= 0, got '" + w + "'");
        }
    }

    /** One routed call: attempts run one after another, never two at once. */
    private final class Run {
        final ModelRequest request;
        final RoutingPolicy policy;
        final List<Target> order;
        final long startNanos = System.nanoTime();
        final CompletableFuture<ModelResponse> result = new CompletableFuture<>();
        /** The last error of every target given up on, in order. */
        final List<ModelException> failures = new ArrayList<>();

        Run(ModelRequest request, RoutingPolicy policy, List<Target> order) {
            this.request = request;
            this.policy = policy;
            this.order = order;
        }

        void attempt(int index, int retry) {
            Target target = order.get(index);
            long t0 = System.nanoTime();
            CompletableFuture<ModelResponse> guarded = new CompletableFuture<>();
            try {
                CompletableFuture<ModelResponse> call;
                try {
                    call = providers.get(target.provider()).call(request, target).toCompletableFuture();
                } catch (RuntimeException e) {
                    call = CompletableFuture.failedFuture(e);
                }
                CompletableFuture<ModelResponse> inFlight = call;
                call.whenComplete((r, e) -> {
                    if (e == null) {
                        guarded.complete(r);
                    } else {
                        guarded.completeExceptionally(e);
                    }
                });
                if (!guarded.isDone()) {
                    long timeoutMs = policy.timeout().toMillis();
                    ScheduledFuture<?> timer = scheduler.schedule(() -> {
                        if (guarded.completeExceptionally(new ModelException.ProviderTimeout(
                                target.qualifiedName() + " did not answer within " + timeoutMs + " ms"))) {
                            inFlight.cancel(true); // lets an HTTP adapter abort its exchange
                        }
                    }, timeoutMs, TimeUnit.MILLISECONDS);
                    guarded.whenComplete((r, e) -> timer.cancel(false));
                }
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new IllegalStateException("the model component is stopped"));
                return;
            }
            guarded.whenComplete((response, error) -> {
                try {
                    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    if (error == null) {
                        latencies.record(target, elapsedMs);
                        result.complete(finish(response, target));
                    } else {
                        failed(index, retry, target, classify(error, target));
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        }

        void failed(int index, int retry, Target target, ModelException error) {
            if (error instanceof ModelException.ProviderTimeout) {
                // a timeout is a lower bound of the latency: it pushes a hanging target back
                latencies.record(target, policy.timeout().toMillis());
            }
            if (!error.retryable()) {
                result.completeExceptionally(error);
                return;
            }
            if (retry < policy.retries()) {
                Duration retryAfter = error instanceof ModelException.ProviderError pe ? pe.retryAfter() : null;
                if (retryAfter == null || retryAfter.compareTo(backoff.maxRetryAfter()) <= 0) {
                    long delay = retryAfter != null ? retryAfter.toMillis() : backoff.delayMillis(retry, random);
                    try {
                        scheduler.schedule(() -> attempt(index, retry + 1), delay, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        result.completeExceptionally(error);
                    }
                    return;
                }
                // the provider asks for a longer pause than we wait: try the next target instead
            }
            failures.add(error);
            if (index + 1 < order.size()) {
                attempt(index + 1, 0);
            } else {
                result.completeExceptionally(finalError());
            }
        }

        ModelException finalError() {
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

        ModelResponse finish(ModelResponse response, Target target) {
            String provider = response.provider() != null ? response.provider() : target.provider();
            String model = response.model() != null ? response.model() : target.model();
            Usage u = response.usage();
            double cost = prices.costOf(Target.of(provider, model), u.promptTokens(), u.completionTokens());
            Usage priced = new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), cost, u.estimated());
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            return new ModelResponse(provider, model, response.text(), response.toolCalls(), response.finishReason(),
                    response.fields(), priced, totalMs);
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
        if (e instanceof ConnectException || e instanceof IOException) {
            return new ModelException.ProviderError(
                    target.provider(), 503, "cannot reach provider '" + target.provider() + "'", null);
        }
        return new ModelException.ProviderError(
                target.provider(), 500, "provider '" + target.provider() + "' failed", null);
    }
}
