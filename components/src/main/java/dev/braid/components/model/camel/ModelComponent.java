package dev.braid.components.model.camel;

import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.model.routing.ModelRouter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code model:} component ({@code model:chat}, {@code vision}, {@code sentiment},
 * {@code embeddings}, {@code moderation}): the Camel adapter of a {@link ModelGateway}, which owns
 * providers, router, circuits, prices and cache. The component adds only what is Camel's: endpoints
 * and where a route continues after a call ({@link #setCallbackExecutor}).
 *
 * <p>Register it explicitly: {@code context.addComponent(ModelComponent.SCHEME, new ModelComponent(gateway))}.
 */
@Component(ModelComponent.SCHEME)
public class ModelComponent extends DefaultComponent {

    public static final String SCHEME = "model";
    public static final int DEFAULT_SCHEDULER_THREADS = ModelGateway.DEFAULT_SCHEDULER_THREADS;

    /** Whether this component made its gateway: then it closes it on stop and reopens it on a restart. */
    private final boolean ownsGateway;
    private volatile ModelGateway gateway;
    private volatile Executor callbackExecutor;

    /** On a gateway owned by the caller, who closes it; stopping the component leaves it running. */
    public ModelComponent(ModelGateway gateway) {
        this(gateway, false);
    }

    /** On its own {@link ModelGateway#standard() standard gateway}, closed when the component stops. */
    public ModelComponent() {
        this(ModelGateway.standard(), true);
    }

    private ModelComponent(ModelGateway gateway, boolean owns) {
        this.gateway = java.util.Objects.requireNonNull(gateway, "gateway");
        this.ownsGateway = owns;
    }

    /** On {@code gateway}, which the component closes when it stops (and reopens on a restart). */
    public static ModelComponent owning(ModelGateway gateway) {
        return new ModelComponent(gateway, true);
    }

    /** See {@link ModelGateway#newScheduler(int)}. */
    public static ScheduledExecutorService newScheduler(int threads) {
        return ModelGateway.newScheduler(threads);
    }

    public ModelGateway getGateway() {
        return gateway;
    }

    /**
     * Where the rest of the route continues after a model call. Null (the default) continues on the
     * thread that completed the call: an HTTP client thread, or the scheduler for timeouts and mock
     * delays. Set an executor when later steps of the route may block, so they never hold the
     * scheduler's threads.
     */
    public void setCallbackExecutor(Executor callbackExecutor) {
        this.callbackExecutor = callbackExecutor;
    }

    public Executor getCallbackExecutor() {
        return callbackExecutor;
    }

    /** Adds a provider to the gateway, replacing the one with the same name. */
    public void addProvider(ModelProvider provider) {
        gateway.addProvider(provider);
    }

    /** Adds every provider to the gateway, replacing those with the same names; the others stay. */
    public void setProviders(Collection<? extends ModelProvider> all) {
        gateway.addProviders(all);
    }

    public ProviderRegistry getProviders() {
        return gateway.providers();
    }

    public PriceTable getPrices() {
        return gateway.prices();
    }

    public ModelRouter getRouter() {
        return gateway.router();
    }

    public ScheduledExecutorService getScheduler() {
        return gateway.scheduler();
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        ModelEndpoint endpoint = new ModelEndpoint(uri, this, ModelTask.fromUriName(remaining));
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    @Override
    protected synchronized void doStart() throws Exception {
        super.doStart();
        if (ownsGateway && gateway.isClosed()) {
            // restarted after a stop: a fresh scheduler, the built-in mock moved onto it
            gateway = gateway.reopened();
        }
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (ownsGateway) {
            gateway.close();
        }
        super.doStop();
    }
}
