/**
 * Routing a model call over its targets: {@link dev.braid.components.model.routing.ModelRouter} runs a
 * {@link dev.braid.components.model.routing.RoutingPolicy} without blocking a thread.
 *
 * <h2>Routing</h2>
 * Strategies ({@link dev.braid.components.model.routing.RoutingStrategy}, ordered by {@code TargetOrder})
 * order the targets: fallback (as written), weighted (random by target option {@code weight}, default 1;
 * weight 0 only as a last resort), least-latency (moving average per provider/model, never measured
 * first), cheapest (the price table, unpriced last). Each target gets {@code 1 + retries} attempts with a
 * per-attempt timeout; waits between attempts are exponential backoff with full jitter
 * ({@link dev.braid.components.model.routing.Backoff}: 100 ms base, 2 s cap) or the provider's Retry-After
 * when it is at most 10 s (a longer Retry-After moves on to the next target at once). Retryable failures
 * (429, 5xx, 408, timeout, connection; narrowed by a step's
 * {@link dev.braid.components.model.routing.FallbackTrigger}s) fall back to the next target; anything
 * else (400, 404 …) fails the call at once. A provider account out of quota or credit is not retried on
 * the same target but falls back like a 429, and answers 502 {@code provider_quota_exhausted} when no
 * target is left. When every target failed, the last error wins, except that when all of them were rate
 * limited the 429 with the shortest Retry-After wins. The router prices every answer from the price table
 * and estimates usage with the tokenizer ({@code estimated: true}) for whichever side a provider left out.
 *
 * <h2>Circuits</h2>
 * One Resilience4j circuit breaker per {@code provider/model}, shared by every route
 * ({@link dev.braid.components.model.routing.CircuitBreakerSettings}; default: opens when 50 % of the
 * last 20 calls failed, at least 10 made; open 30 s; 3 trial calls). 5xx, 408, timeouts, connection
 * failures and 429 count as failures; caller errors (400, 401, 404 …) do not count at all. Every
 * strategy skips an open target without spending its retries. When every target is open the call fails
 * at once with a {@code ProviderError} of upstream status 503 ("all targets unavailable (circuit
 * open)"), its Retry-After the shortest remaining cool-down. {@code ModelRouter.circuitStates()} lists
 * the states.
 *
 * <h2>Streaming</h2>
 * {@code ModelRouter.routeStream(request, policy, sink)}: deltas of the answering attempt reach the
 * sink in order; retries and fallback happen only before the first delta reached it, after that a
 * failure fails the stream (no repeated text). The timeout bounds silence (before the first delta,
 * between two), not the whole stream. The response carries {@code firstTokenMs} in its fields.
 *
 * <p>Depends on {@code api}, {@code pricing} and {@code cache}; never on Camel.
 */
package dev.braid.components.model.routing;
