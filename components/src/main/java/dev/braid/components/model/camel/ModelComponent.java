package dev.braid.components.model.camel;

import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.cache.ResponseCache;
import dev.braid.components.model.local.LocalProvider;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.model.routing.Backoff;
import dev.braid.components.model.routing.CircuitBreakerSettings;
import dev.braid.components.model.routing.ModelRouter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code model:} component ({@code model:chat}, {@code vision}, {@code sentiment},
 * {@code embeddings}, {@code moderation}). It holds what every endpoint shares: the provider registry
 * (the built-in {@code mock} and {@code local} providers, plus any added), the price table, and the
 * {@link ModelRouter} with its scheduler for timeouts, backoff and mock delays.
 *
 * <p>Register it explicitly: {@code context.addComponent(ModelComponent.SCHEME, new ModelComponent())}.
 */
public class ModelComponent extends DefaultComponent {

    public static final String SCHEME = "model";
    public static final int DEFAULT_SCHEDULER_THREADS = 4;

    private final ProviderRegistry providers = new ProviderRegistry();
    private final PriceTable prices;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final boolean ownsScheduler;
    private CircuitBreakerSettings circuitSettings = CircuitBreakerSettings.DEFAULTS;
    private ResponseCache responseCache = new InMemoryResponseCache(InMemoryResponseCache.DEFAULT_MAX_ENTRIES);
    private ScheduledExecutorService scheduler;
    private ModelRouter router;
    private MockProvider builtInMock;
    private volatile Executor callbackExecutor;

    /** A component with its own scheduler (4 daemon threads), the shipped prices and default backoff. */
    public ModelComponent() {
        this(newScheduler(DEFAULT_SCHEDULER_THREADS), true, PriceTable.standard(),
                () -> ThreadLocalRandom.current().nextLong(), Backoff.DEFAULT);
    }

    /**
     * A component on a scheduler owned by the caller (not shut down by {@link #doStop()}).
     *
     * @param random jitter and weighted picks; must be safe for concurrent use
     */
    public ModelComponent(ScheduledExecutorService scheduler, PriceTable prices, RandomGenerator random, Backoff backoff) {
        this(scheduler, false, prices, random, backoff);
    }

    private ModelComponent(
            ScheduledExecutorService scheduler, boolean owns, PriceTable prices, RandomGenerator random, Backoff backoff) {
        this.scheduler = scheduler;
        this.ownsScheduler = owns;
        this.prices = prices;
        this.random = random;
        this.backoff = backoff;
        providers.register(new LocalProvider());
        wire();
    }

    /** A scheduler whose cancelled tasks leave its queue at once (every call schedules a timeout). */
    public static ScheduledExecutorService newScheduler(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "braid-model-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, factory);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private synchronized void wire() {
        if (builtInMock == null || providers.find(MockProvider.NAME).orElse(null) == builtInMock) {
            builtInMock = new MockProvider(scheduler);
            providers.register(builtInMock);
        }
        router = new ModelRouter(providers, prices, scheduler, random, backoff, circuitSettings, responseCache);
    }

    /**
     * Replaces the circuit breaker settings of every target. Configure before routes run: the router is
     * rebuilt, so circuit states and latency averages start over.
     */
    public synchronized void setCircuitBreakerSettings(CircuitBreakerSettings settings) {
        this.circuitSettings = settings;
        router = new ModelRouter(providers, prices, scheduler, random, backoff, circuitSettings, responseCache);
    }

    public synchronized CircuitBreakerSettings getCircuitBreakerSettings() {
        return circuitSettings;
    }

    /**
     * Replaces the response cache (by default in memory, {@value InMemoryResponseCache#DEFAULT_MAX_ENTRIES}
     * entries). Configure before routes run: the router is rebuilt, so circuit states start over.
     */
    public synchronized void setResponseCache(ResponseCache cache) {
        this.responseCache = cache;
        router = new ModelRouter(providers, prices, scheduler, random, backoff, circuitSettings, responseCache);
    }

    public synchronized ResponseCache getResponseCache() {
        return responseCache;
    }

    /** Adds a provider, replacing the one with the same name (the built-in mock and local included). */
    public void addProvider(ModelProvider provider) {
        providers.register(provider);
    }

    /**
     * Adds every provider, replacing those with the same names; providers not named here (such as
     * the built-in {@code mock} and {@code local}) stay.
     */
    public void setProviders(Collection<? extends ModelProvider> all) {
        providers.registerAll(all);
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

    public ProviderRegistry getProviders() {
        return providers;
    }

    public PriceTable getPrices() {
        return prices;
    }

    public synchronized ModelRouter getRouter() {
        return router;
    }

    public synchronized ScheduledExecutorService getScheduler() {
        return scheduler;
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
        if (ownsScheduler && scheduler.isShutdown()) {
            // restarted after a stop: a fresh scheduler, and the built-in mock moved onto it
            scheduler = newScheduler(DEFAULT_SCHEDULER_THREADS);
            wire();
        }
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        super.doStop();
    }
}
