/**
 * The unified model API: what a caller asks ({@link dev.braid.components.model.api.ModelRequest} of a
 * {@link dev.braid.components.model.api.ModelTask}, with messages, inputs, tools and options), what
 * comes back ({@link dev.braid.components.model.api.ModelResponse}, streamed as
 * {@link dev.braid.components.model.api.ModelDelta}s, with {@link dev.braid.components.model.api.Usage}),
 * which provider/model is asked ({@link dev.braid.components.model.api.Target}), how it fails (the typed
 * {@link dev.braid.components.model.api.ModelException}s with their HTTP status), and the
 * {@link dev.braid.components.model.api.ModelProvider} interface every adapter implements, found by name
 * in a {@link dev.braid.components.model.api.ProviderRegistry}. Also {@code DurationText}, durations as
 * pipelines, URIs and target options write them.
 *
 * <p>The bottom of the model layer: depends on nothing else in Braid.
 */
package dev.braid.components.model.api;
