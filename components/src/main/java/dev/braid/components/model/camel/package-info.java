/**
 * The {@code model:} Camel component: {@link dev.braid.components.model.camel.ModelComponent} adapts a
 * {@link dev.braid.components.model.gateway.ModelGateway} to Camel; the endpoint reads its options,
 * the producer sends one exchange through the gateway's router without blocking.
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
 * {@code write}); headers {@link dev.braid.components.model.camel.ModelHeaders} carry provider, model,
 * usage, cost and latency. A failure is set on the exchange as the
 * {@link dev.braid.components.model.api.ModelException} itself: 404 {@code model_not_found}, 429
 * {@code provider_rate_limited} (with Retry-After), 502 {@code provider_error} or
 * {@code provider_quota_exhausted}, 504 {@code provider_timeout}, or 4xx as the provider answered.
 */
package dev.braid.components.model.camel;
