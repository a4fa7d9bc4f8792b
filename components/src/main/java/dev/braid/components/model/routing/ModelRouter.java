package dev.braid.components.model.routing;

import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.cache.ResponseCache;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.tokens.TokenCounter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a {@link RoutingPolicy} for one request without blocking a thread: the strategy orders
 * the targets, each target gets {@code 1 + retries} attempts, and a retryable failure (429, 5xx,
 * timeout, connection) moves on to the next target. Timeouts and backoff waits are scheduled on
 * the shared scheduler; a non-retryable failure (400, 404 …) ends the call at once. A provider
 * account out of quota or credit ({@link ModelException.ProviderError#quotaExhausted()}) skips the
 * target's remaining retries, which would all fail alike, and moves on to the next target.
 *
 * <p>Which error a call fails with when every target failed: the last error, except when every
 * target ended rate limited (429): then the 429 with the shortest {@code Retry-After}, so the
 * caller's {@code Retry-After} names the earliest moment any target may answer again.
 *
 * <p><b>Circuits.</b> Every {@code provider/model} has a circuit breaker ({@link CircuitBreakerSettings}).
 * Every strategy skips a target whose circuit is open, without spending its retries. When every
 * target was skipped, the call fails at once with a {@link ModelException.ProviderError} of upstream
 * status 503, "all targets unavailable (circuit open)", whose {@code Retry-After} is the shortest
 * remaining cool-down: waiting on a target known to be down helps nobody, and the caller learns when
 * to come back. When some targets were skipped and others failed, the others' errors decide as above.
 *
 * <p><b>Streaming</b> ({@link #routeStream}). Retries and fallback happen only before the first delta
 * reached the caller's sink; once one did, a failure fails the stream, because a second attempt would
 * repeat text the caller already has. The per-attempt timeout bounds the wait for the first delta and
 * every silence between deltas, not the whole stream (a long answer is not a slow provider).
 *
 * <p><b>Cache</b> ({@link #route(ModelRequest, RoutingPolicy, CachePolicy)}). An exact-match
 * {@link ResponseCache}: a hit answers with the stored response, its token counts, a cost of 0 (nothing
 * was paid for it) and the field {@value #CACHED_FIELD}{@code : true}. Streams are never cached.
 *
 * <p>The router is also the one place that prices a call and the one place that estimates usage:
 * providers report tokens, the router sets {@link Usage#costUsd()} from the {@link PriceTable}, so
 * overrides apply to every provider alike; when a provider reports no prompt or no completion tokens
 * for an answer, the router counts the missing side with the {@link TokenCounter} and marks the usage
 * {@code estimated}.
 */
public final class ModelRouter {

    /** Target option read by {@link RoutingStrategy#WEIGHTED}. */
    public static final String WEIGHT_OPTION = "weight";
    /** {@link ModelResponse#fields()} key, {@code true} on an answer served from the cache. */
    public static final String CACHED_FIELD = "cached";
    /** {@link ModelResponse#fields()} key on streamed answers: ms from the call's start to the first delta. */
    public static final String FIRST_TOKEN_MS_FIELD = "firstTokenMs";

    private static final Logger LOG = LoggerFactory.getLogger(ModelRouter.class);

    private final ProviderRegistry providers;
    private final PriceTable prices;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final LatencyTracker latencies = new LatencyTracker();
    private final TargetCircuits circuits;
    private final ResponseCache cache;

    public ModelRouter(ProviderRegistry providers, PriceTable prices, ScheduledExecutorService scheduler) {
        this(providers, prices, scheduler, () -> ThreadLocalRandom.current().nextLong(), Backoff.DEFAULT);
    }

    /**
     * A router with default circuits and an in-memory cache of {@value InMemoryResponseCache#DEFAULT_MAX_ENTRIES}
     * entries.
     *
     * @param random source of jitter and weighted picks; must be safe for concurrent use
     */
    public ModelRouter(
            ProviderRegistry providers,
            PriceTable prices,
            ScheduledExecutorService scheduler,
            RandomGenerator random,
            Backoff backoff) {
        this(providers, prices, scheduler, random, backoff, CircuitBreakerSettings.DEFAULTS,
                new InMemoryResponseCache(InMemoryResponseCache.DEFAULT_MAX_ENTRIES));
    }

    /** @param random source of jitter and weighted picks; must be safe for concurrent use */
    public ModelRouter(
            ProviderRegistry providers,
            PriceTable prices,
            ScheduledExecutorService scheduler,
            RandomGenerator random,
            Backoff backoff,
            CircuitBreakerSettings circuitSettings,
            ResponseCache cache) {
        this.providers = providers;
        this.prices = prices;
        this.scheduler = scheduler;
        this.random = random;
        this.backoff = backoff;
        this.circuits = new TargetCircuits(circuitSettings, Clock.systemUTC());
        this.cache = cache;
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

    public ResponseCache cache() {
        return cache;
    }

    public CircuitBreakerSettings circuitSettings() {
        return circuits.settings();
    }

    /**
     * The circuit state of every {@code provider/model} called so far ({@code CLOSED}, {@code OPEN},
     * {@code HALF_OPEN}, or {@code DISABLED} when circuits are off), sorted by name: for metrics.
     */
    public Map<String, String> circuitStates() {
        return circuits.states();
    }

    /** Runs the policy; the stage fails with a {@link ModelException} (never wrapped). */
    public CompletionStage<ModelResponse> route(ModelRequest request, RoutingPolicy policy) {
        return start(request, policy, null);
    }

    /**
     * Runs the policy through the response cache: a hit answers without calling a provider, a miss
     * routes as {@link #route(ModelRequest, RoutingPolicy)} and stores a successful answer. A null
     * {@code cachePolicy}, or one that does not {@link CachePolicy#applies apply} to the request, routes
     * without the cache.
     */
    public CompletionStage<ModelResponse> route(ModelRequest request, RoutingPolicy policy, CachePolicy cachePolicy) {
        if (cachePolicy == null || !cachePolicy.applies(request)) {
            return route(request, policy);
        }
        long t0 = System.nanoTime();
        String key;
        try {
            key = ResponseCache.key(request, policy);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ModelResponse> result = new CompletableFuture<>();
        lookup(key).whenComplete((hit, lookupError) -> {
            if (hit != null && hit.isPresent()) {
                result.complete(fromCache(hit.get(), t0));
                return;
            }
            route(request, policy).whenComplete((response, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                    return;
                }
                store(key, response, cachePolicy.ttl());
                result.complete(response);
            });
        });
        return result;
    }

    /**
     * Streams an answer under the policy: {@code sink} receives the deltas of the attempt that
     * answered, in order, on a provider or scheduler thread; the stage completes with the whole
     * response (priced, latency and {@value #FIRST_TOKEN_MS_FIELD} in its fields) after the last
     * delta, or fails with a {@link ModelException} (never wrapped). Retries and fallback happen only
     * while no delta has reached the sink; after that a failure fails the stream. The sink should not
     * block, and must tolerate one delta arriving right after a failure when a timeout races a delta.
     * Streams are never cached.
     */
    public CompletionStage<ModelResponse> routeStream(ModelRequest request, RoutingPolicy policy, Consumer<ModelDelta> sink) {
        if (sink == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a stream needs a sink"));
        }
        return start(request, policy, sink);
    }

    private CompletionStage<ModelResponse> start(ModelRequest request, RoutingPolicy policy, Consumer<ModelDelta> sink) {
        List<Target> order;
        try {
            order = plan(policy);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Run run = new Run(request, policy, order, sink);
        run.attempt(0, 0, null);
        return run.result;
    }

    private CompletionStage<Optional<ModelResponse>> lookup(String key) {
        try {
            return cache.get(key).exceptionally(e -> {
                LOG.warn("response cache lookup failed, calling the provider: {}", e.toString());
                return Optional.empty();
            });
        } catch (RuntimeException e) {
            LOG.warn("response cache lookup failed, calling the provider: {}", e.toString());
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private void store(String key, ModelResponse response, Duration ttl) {
        try {
            cache.put(key, response, ttl).exceptionally(e -> {
                LOG.warn("response cache store failed: {}", e.toString());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("response cache store failed: {}", e.toString());
        }
    }

    /** A stored answer as a hit reports it: same tokens, cost 0, {@code cached: true}, the lookup's latency. */
    private static ModelResponse fromCache(ModelResponse stored, long startNanos) {
        Usage u = stored.usage();
        Map<String, Object> fields = new HashMap<>(stored.fields());
        fields.put(CACHED_FIELD, true);
        return new ModelResponse(stored.provider(), stored.model(), stored.text(), stored.toolCalls(),
                stored.finishReason(), fields,
                new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), 0.0, u.estimated()),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
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

    private final class Attempt {
        final long startNanos = System.nanoTime();
        final AtomicInteger state = new AtomicInteger(WAITING);
        final CompletableFuture<ModelResponse> guarded = new CompletableFuture<>();
        final Run run;
        volatile long lastActivityNanos = startNanos;
        volatile CompletableFuture<ModelResponse> inFlight;
        volatile RuntimeException sinkFailure;

        Attempt(Run run) {
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

    /** One routed call: attempts run one after another, never two at once. */
    private final class Run {
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

        Run(ModelRequest request, RoutingPolicy policy, List<Target> order, Consumer<ModelDelta> sink) {
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
            Usage u = estimateIfMissing(request, response, model);
            double cost = prices.costOf(Target.of(provider, model), u.promptTokens(), u.completionTokens());
            Usage priced = new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), cost, u.estimated());
            long now = System.nanoTime();
            long totalMs = TimeUnit.NANOSECONDS.toMillis(now - startNanos);
            Map<String, Object> fields = response.fields();
            if (sink != null) {
                long first = firstDeltaNanos.get();
                fields = new HashMap<>(fields);
                fields.put(FIRST_TOKEN_MS_FIELD, TimeUnit.NANOSECONDS.toMillis((first != NONE ? first : now) - startNanos));
            }
            return new ModelResponse(provider, model, response.text(), response.toolCalls(), response.finishReason(),
                    fields, priced, totalMs);
        }
    }

    /**
     * The provider's usage, with what it left out estimated: prompt tokens (every message text part and
     * input) when it reported none for an actual answer, completion tokens (text and tool calls) when
     * it reported none for text or tool calls; {@code estimated} then. Covers adapters whose API has no
     * usage and streams whose usage frame never came (PEERS.md: interrupted or dropped usage chunks).
     */
    static Usage estimateIfMissing(ModelRequest request, ModelResponse response, String model) {
        Usage u = response.usage();
        boolean wrote = (response.text() != null && !response.text().isEmpty()) || !response.toolCalls().isEmpty();
        boolean answered = wrote || !response.fields().isEmpty();
        boolean promptMissing = u.promptTokens() == 0 && answered;
        boolean completionMissing = u.completionTokens() == 0 && wrote;
        if (!promptMissing && !completionMissing) {
            return u;
        }
        TokenCounter counter = TokenCounter.forModel(model);
        long prompt = u.promptTokens();
        if (promptMissing) {
            for (Message m : request.messages()) {
                for (ContentPart part : m.content()) {
                    if (part instanceof ContentPart.Text t) {
                        prompt += counter.count(t.text());
                    }
                }
            }
            for (String input : request.inputs()) {
                prompt += counter.count(input);
            }
        }
        long completion = u.completionTokens();
        if (completionMissing) {
            completion += counter.count(response.text());
            for (ToolCall call : response.toolCalls()) {
                completion += counter.count(call.name()) + counter.count(call.arguments());
            }
        }
        if (prompt == u.promptTokens() && completion == u.completionTokens()) {
            return u; // nothing to count (an empty prompt): keep what the provider said
        }
        return Usage.of(prompt, completion, u.costUsd(), true);
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
