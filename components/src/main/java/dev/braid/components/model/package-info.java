/**
 * The model layer: one unified API over every provider, routed, cached and priced in one place.
 *
 * <h2>Packages</h2>
 * <ul>
 *   <li>{@code model.api}: the unified types every other package speaks ({@code ModelRequest},
 *       {@code ModelResponse}, {@code Message}, {@code ContentPart}, {@code Usage}, {@code ModelDelta},
 *       {@code Target}, {@code ModelException}), the {@code ModelProvider} interface and its
 *       {@code ProviderRegistry}. Depends on nothing else in Braid.</li>
 *   <li>Provider adapters, one package each ({@code openai}, {@code anthropic}, {@code gemini},
 *       {@code ollama}, {@code azure}, {@code mock}, {@code local}) over the shared HTTP plumbing in
 *       {@code http}; they see only {@code api}.</li>
 *   <li>{@code model.pricing}: the {@code PriceTable}. {@code model.cache}: the exact-match response cache.</li>
 *   <li>{@code model.routing}: the {@code ModelRouter} (target order, fallback, retries, circuits,
 *       streaming) over {@code api}, {@code pricing} and {@code cache}.</li>
 *   <li>{@code model.gateway}: {@code ModelGateway}, the one owner of providers, router, circuits,
 *       prices, cache and scheduler.</li>
 *   <li>{@code model.camel}: the {@code model:} Camel component, a thin adapter over a gateway.</li>
 * </ul>
 * Dependencies point down this list and never back (checked by {@code ComponentsArchitectureTest}).
 *
 * <h2>Built-in providers</h2>
 * {@code mock} ({@link dev.braid.components.model.mock.MockProvider}; target options {@code delay},
 * {@code failWith}, {@code failTimes}, {@code retryAfter}; for streams {@code chunkDelay} and
 * {@code failAfterChunks}) and {@code local}
 * ({@link dev.braid.components.model.local.LocalProvider}: {@code lexicon} sentiment, {@code keywords}
 * moderation), registered once by every {@link dev.braid.components.model.gateway.ModelGateway}. Other
 * adapters implement {@link dev.braid.components.model.api.ModelProvider} and are added with
 * {@link dev.braid.components.model.gateway.ModelGateway#addProvider}.
 */
package dev.braid.components.model;
