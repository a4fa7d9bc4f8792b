package dev.braid.components.model.camel;

import dev.braid.components.model.api.DurationText;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code model:<task>?step=<key>} (a pipeline step, routing from its binding) or
 * {@code model:<task>?provider=<name>&model=<name>[&timeout=10s][&retries=1]} (one target, the
 * request in the body). Options bind by reflection; an unknown option fails endpoint creation.
 * Producer only.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = ModelComponent.SCHEME, title = "Braid Model",
        syntax = "model:task", producerOnly = true, category = {Category.AI}, headersClass = ModelHeaders.class)
public class ModelEndpoint extends DefaultEndpoint {

    @UriPath(enums = "chat,vision,sentiment,embeddings,moderation")
    @Metadata(required = true, description = "The task: chat, vision, sentiment, embeddings or moderation")
    private final ModelTask task;
    @UriParam(description = "The key of the step binding this endpoint serves; excludes the other options")
    private String step;
    @UriParam(description = "The provider to call when there is no step")
    private String provider;
    @UriParam(description = "The model to call when there is no step")
    private String model;
    @UriParam(defaultValue = "30s", description = "Per-attempt timeout when there is no step (500ms, 10s, 2m)")
    private String timeout;
    @UriParam(defaultValue = "0", description = "Retries after a retryable failure when there is no step")
    private int retries;
    @UriParam(description = "Keeps answers in the response cache this long when there is no step (10m, 1h)")
    private String cacheTtl;
    private RoutingPolicy policy;
    private CachePolicy cachePolicy;

    public ModelEndpoint(String uri, ModelComponent component, ModelTask task) {
        super(uri, component);
        this.task = task;
    }

    @Override
    public ModelComponent getComponent() {
        return (ModelComponent) super.getComponent();
    }

    public ModelTask getTask() {
        return task;
    }

    public String getStep() {
        return step;
    }

    /** The key of the step binding (in the {@code StepBindings} registry bean) this endpoint serves. */
    public void setStep(String step) {
        this.step = step;
    }

    public String getProvider() {
        return provider;
    }

    /** The provider to call when there is no step ({@code mock}, {@code local}, {@code openai}, …). */
    public void setProvider(String provider) {
        this.provider = provider;
    }

    public String getModel() {
        return model;
    }

    /** The model to call when there is no step. */
    public void setModel(String model) {
        this.model = model;
    }

    public String getTimeout() {
        return timeout;
    }

    /** Per-attempt timeout when there is no step: {@code 500ms}, {@code 10s}, {@code 2m}; default 30s. */
    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public int getRetries() {
        return retries;
    }

    /** Retries after a retryable failure when there is no step; default 0. */
    public void setRetries(int retries) {
        this.retries = retries;
    }

    public String getCacheTtl() {
        return cacheTtl;
    }

    /**
     * Keeps answers in the component's response cache for this long ({@code 10m}, {@code 1h}) when there
     * is no step; unset or {@code 0s} calls the provider every time. Requests with a temperature above 0
     * are never cached this way.
     */
    public void setCacheTtl(String cacheTtl) {
        this.cacheTtl = cacheTtl;
    }

    /** Checks the option combination once, at creation, so a bad URI fails when the route loads. */
    void validate() {
        if (step != null) {
            if (step.isBlank()) {
                throw new IllegalArgumentException("step must not be blank");
            }
            if (provider != null || model != null || timeout != null || retries != 0 || cacheTtl != null) {
                throw new IllegalArgumentException(
                        "model:" + task.uriName() + "?step=… takes its routing from the step; remove provider, model, timeout, retries and cacheTtl");
            }
            return;
        }
        if (provider == null || provider.isBlank() || model == null || model.isBlank()) {
            throw new IllegalArgumentException("model:" + task.uriName() + " needs step=<key>, or provider and model");
        }
        Duration t = timeout == null ? RoutingPolicy.DEFAULT_TIMEOUT : DurationText.parse(timeout);
        if (t.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0");
        }
        policy = new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(Target.of(provider, model)), t, retries);
        cachePolicy = cacheTtl == null ? null : CachePolicy.ttl(DurationText.parse(cacheTtl));
    }

    /** The single-target policy of an endpoint without step; null with a step. */
    RoutingPolicy policy() {
        return policy;
    }

    /** The cache policy of an endpoint without step ({@code cacheTtl}); null when unset or with a step. */
    CachePolicy cachePolicy() {
        return cachePolicy;
    }

    @Override
    public Producer createProducer() {
        return new ModelProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("model: is a producer only; use it in to(...)");
    }
}
