package dev.braid.components.model.routing;

import dev.braid.components.model.api.TargetOption;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.cache.ResponseCache;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.tokens.TokenCounter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

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
 *
 * <p>The router is the facade over four package-private parts: {@code TargetOrder} (the strategy's
 * order), {@code RoutedCall} (one call's attempts, fallback, timeouts and streaming),
 * {@code CachedRouting} (the cache in front) and {@code UsageEstimator} (usage a provider left out).
 */
public final class ModelRouter {

    /** Target option read by {@link RoutingStrategy#WEIGHTED}. */
    public static final String WEIGHT_OPTION = TargetOption.WEIGHT.key();
    /** {@link ModelResponse#fields()} key, {@code true} on an answer served from the cache. */
    public static final String CACHED_FIELD = "cached";
    /** {@link ModelResponse#fields()} key on streamed answers: ms from the call's start to the first delta. */
    public static final String FIRST_TOKEN_MS_FIELD = "firstTokenMs";

    private final ProviderRegistry providers;
    private final PriceTable prices;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final LatencyTracker latencies = new LatencyTracker();
    private final TargetCircuits circuits;
    private final ResponseCache cache;
    private final TargetOrder targetOrder;
    private final CachedRouting cached;

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
        this.targetOrder = new TargetOrder(latencies, prices, random);
        this.cached = new CachedRouting(this, cache);
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
        return cached.route(request, policy, cachePolicy);
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
            order = targetOrder.of(policy);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        RoutedCall call = new RoutedCall(this, request, policy, order, sink);
        call.attempt(0, 0, null);
        return call.result;
    }

    /** The order in which the targets will be tried for one call, as the strategy decides it now. */
    public List<Target> plan(RoutingPolicy policy) {
        return targetOrder.of(policy);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    RandomGenerator random() {
        return random;
    }

    Backoff backoff() {
        return backoff;
    }

    TargetCircuits circuits() {
        return circuits;
    }
}
