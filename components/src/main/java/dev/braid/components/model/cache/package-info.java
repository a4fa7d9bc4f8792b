/**
 * The exact-match response cache: the {@link dev.braid.components.model.cache.ResponseCache} interface
 * (asynchronous; a failed lookup is a miss, a failed store is ignored) with its in-memory and Redis
 * stores, the {@link dev.braid.components.model.cache.CachePolicy} a step or URI asks for, and the key:
 * the SHA-256 of the canonical JSON of task, messages, inputs, tools, options, strategy and targets
 * ({@link dev.braid.components.model.cache.ResponseCache#key}; the strategy and targets come through
 * {@link dev.braid.components.model.cache.ResponseCache.Scope}, so this package never depends on routing).
 *
 * <p>Never for streams, nor for a temperature above 0 unless the policy allows it. A hit reports the
 * original token counts, cost 0, the field {@code cached: true} and the header {@code BraidModelCached}.
 */
package dev.braid.components.model.cache;
