/**
 * The unified model API and the {@code model:} Camel component.
 *
 * <h2>URIs</h2>
 * <pre>
 * model:&lt;task&gt;?step=&lt;key&gt;                                   a pipeline step (routing, prompt and output from its binding)
 * model:&lt;task&gt;?provider=&lt;p&gt;&amp;model=&lt;m&gt;[&amp;timeout=10s][&amp;retries=1][&amp;cacheTtl=10m]   one target; body = ModelRequest or String
 * </pre>
 * {@code <task>} is chat, vision, sentiment, embeddings or moderation. Unknown options, a missing
 * provider/model, or step combined with provider/model/timeout/retries/cacheTtl fail when the endpoint is
 * created. A step's caching comes from {@link dev.braid.components.model.camel.ModelStepBinding#cache()}.
 * With {@code step}, the producer looks up {@link dev.braid.components.step.StepBindings} in the Camel
 * registry under {@code braidStepBindings}, then {@code lookup(step, ModelStepBinding.class)}.
 *
 * <h2>Result</h2>
 * The {@link dev.braid.components.model.api.ModelResponse} becomes the body (or is handed to the binding's
 * {@code write}); headers {@link dev.braid.components.model.camel.ModelHeaders} carry provider, model, usage,
 * cost and latency. A failure is set on the exchange as the {@link dev.braid.components.model.api.ModelException}
 * itself: 404 {@code model_not_found}, 429 {@code provider_rate_limited} (with Retry-After), 502
 * {@code provider_error} or {@code provider_quota_exhausted}, 504 {@code provider_timeout}, or 4xx as the
 * provider answered.
 *
 * <h2>Routing ({@link dev.braid.components.model.routing.ModelRouter})</h2>
 * Strategies order the targets: fallback (as written), weighted (random by target option {@code weight},
 * default 1; weight 0 only as a last resort), least-latency (moving average per provider/model, never
 * measured first), cheapest ({@link dev.braid.components.model.pricing.PriceTable}, unpriced last). Each target gets
 * {@code 1 + retries} attempts with a per-attempt timeout; waits between attempts are exponential backoff
 * with full jitter (100 ms base, 2 s cap) or the provider's Retry-After when it is at most 10 s (a longer
 * Retry-After moves on to the next target at once). Retryable failures (429, 5xx, 408, timeout, connection)
 * fall back to the next target; anything else (400, 404 …) fails the call at once. A provider account out of
 * quota or credit (OpenAI {@code insufficient_quota}, Anthropic billing and credit errors) is not retried on
 * the same target but falls back like a 429, and answers 502 {@code provider_quota_exhausted} when no target is left. When every target
 * failed, the last error wins, except that when all of them were rate limited the 429 with the shortest
 * Retry-After wins. The router prices every answer from the price table, and estimates usage with the
 * tokenizer ({@code estimated: true}) for whichever side (prompt, completion) a provider left out: one place for
 * every provider.
 *
 * <h2>Circuits</h2>
 * One Resilience4j circuit breaker per {@code provider/model}, shared by every route
 * ({@link dev.braid.components.model.routing.CircuitBreakerSettings}; default: opens when 50 % of the last 20
 * calls failed, at least 10 made; open 30 s; 3 trial calls). 5xx, 408, timeouts, connection failures and
 * 429 count as failures; caller errors (400, 401, 404 …) do not count at all. Every strategy skips an
 * open target without spending its retries. When every target is open the call fails at once with a
 * {@code ProviderError} of upstream status 503 ("all targets unavailable (circuit open)"), its
 * Retry-After the shortest remaining cool-down. {@code ModelRouter.circuitStates()} lists the states.
 *
 * <h2>Streaming</h2>
 * {@code ModelRouter.routeStream(request, policy, sink)}: deltas of the answering attempt reach the
 * sink in order; retries and fallback happen only before the first delta reached it, after that a
 * failure fails the stream (no repeated text). The timeout bounds silence (before the first delta,
 * between two), not the whole stream. The response carries {@code firstTokenMs} in its fields.
 *
 * <h2>Response cache</h2>
 * Exact match ({@link dev.braid.components.model.cache.ResponseCache}; in memory by default, or
 * {@link dev.braid.components.model.cache.RedisResponseCache}), keyed by the SHA-256 of the canonical JSON of
 * task, messages, inputs, tools, options, strategy and targets. Never for streams, nor for a
 * temperature above 0 unless the {@link dev.braid.components.model.cache.CachePolicy} allows it. A hit
 * reports the original token counts, cost 0, the field {@code cached: true} and the header
 * {@code BraidModelCached}.
 *
 * <h2>Built-in providers</h2>
 * {@code mock} ({@link dev.braid.components.model.mock.MockProvider}; target options {@code delay},
 * {@code failWith}, {@code failTimes}, {@code retryAfter}; for streams {@code chunkDelay} and
 * {@code failAfterChunks}) and {@code local}
 * ({@link dev.braid.components.model.local.LocalProvider}: {@code lexicon} sentiment, {@code keywords}
 * moderation). Other adapters implement {@link dev.braid.components.model.api.ModelProvider} and are added
 * with {@link dev.braid.components.model.camel.ModelComponent#addProvider}.
 */
package dev.braid.components.model;
