package dev.braid.components.model.gateway;

import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.cache.InMemoryResponseCache;
import dev.braid.components.model.cache.ResponseCache;
import dev.braid.components.model.local.LocalProvider;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.model.routing.Backoff;
import dev.braid.components.model.routing.CircuitBreakerSettings;
import dev.braid.components.model.routing.ModelRouter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * The one owner of everything model calls share: the providers, the {@link ModelRouter} with its
 * per-target circuits and latency averages, the price table, the response cache and the scheduler
 * for timeouts, backoff and mock delays. Built once ({@link #builder()}); the {@code model:} Camel
 * component, the OpenAI-compatible API and budgets all use the same instance, so they share circuits,
 * prices and cache.
 *
 * <p>The built-in {@code mock} (on this gateway's scheduler) and {@code local} providers are
 * registered once, at build; providers given to the builder or {@link #addProvider} replace them by name.
 * Swapping the response cache ({@link #useResponseCache}, e.g. for Redis once a connection exists)
 * keeps the router, so circuit states and latency averages survive it.
 *
 * <p>Plain Java: no Camel, no dependency-injection framework. Safe for concurrent use.
 */
public final class ModelGateway implements AutoCloseable {

    public static final int DEFAULT_SCHEDULER_THREADS = 4;

    private final Builder settings;
    private final ScheduledExecutorService scheduler;
    private final ProviderRegistry providers = new ProviderRegistry();
    private final SwappableResponseCache cache;
    private final ModelRouter router;
    private final MockProvider builtInMock;

    private ModelGateway(Builder b) {
        this.settings = b;
        this.scheduler = b.scheduler != null ? b.scheduler : newScheduler(b.schedulerThreads);
        this.builtInMock = new MockProvider(scheduler);
        providers.register(new LocalProvider());
        providers.register(builtInMock);
        providers.registerAll(b.providers);
        this.cache = new SwappableResponseCache(b.responseCache != null
                ? b.responseCache
                : new InMemoryResponseCache(InMemoryResponseCache.DEFAULT_MAX_ENTRIES));
        this.router = new ModelRouter(providers, b.prices, scheduler, b.random, b.backoff, b.circuitSettings, cache);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Its own scheduler, the shipped prices, default backoff and circuits, an in-memory cache. */
    public static ModelGateway standard() {
        return builder().build();
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

    public ModelRouter router() {
        return router;
    }

    public ProviderRegistry providers() {
        return providers;
    }

    public PriceTable prices() {
        return settings.prices;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public CircuitBreakerSettings circuitSettings() {
        return router.circuitSettings();
    }

    /** Circuit state per {@code provider/model} called so far, by name (see {@link ModelRouter#circuitStates()}). */
    public Map<String, String> circuitStates() {
        return router.circuitStates();
    }

    /** The cache answers are kept in now. */
    public ResponseCache responseCache() {
        return cache.current();
    }

    /**
     * Keeps answers in {@code cache} from now on (entries of the previous cache are not carried over).
     * The router stays: circuit states and latency averages are not reset.
     */
    public void useResponseCache(ResponseCache responseCache) {
        cache.use(Objects.requireNonNull(responseCache, "responseCache"));
    }

    /** Adds a provider, replacing the one with the same name (the built-in mock and local included). */
    public void addProvider(ModelProvider provider) {
        providers.register(provider);
    }

    /** Adds every provider, replacing those with the same names; the others stay. */
    public void addProviders(Collection<? extends ModelProvider> all) {
        providers.registerAll(all);
    }

    /** Whether the scheduler is shut down: calls then fail at once. */
    public boolean isClosed() {
        return scheduler.isShutdown();
    }

    /**
     * A gateway like this one on a fresh scheduler, for a restart after {@link #close()}: the same
     * settings, cache and added providers, the built-in mock moved onto the new scheduler; circuits
     * and latency averages start over. A gateway on a caller's scheduler is returned as is.
     */
    public ModelGateway reopened() {
        if (settings.scheduler != null || !isClosed()) {
            return this;
        }
        Builder b = settings.copy();
        b.providers.clear();
        providers.names().forEach(name -> providers.find(name)
                .filter(p -> p != builtInMock && !(p instanceof LocalProvider))
                .ifPresent(b.providers::add));
        b.responseCache = cache.current();
        return new ModelGateway(b);
    }

    /** Shuts the scheduler down when this gateway made it; a caller's scheduler is the caller's to stop. */
    @Override
    public void close() {
        if (settings.scheduler == null) {
            scheduler.shutdownNow();
        }
    }

    /** How a gateway is built; every setting has a default. */
    public static final class Builder {
        private ScheduledExecutorService scheduler;
        private int schedulerThreads = DEFAULT_SCHEDULER_THREADS;
        private PriceTable prices = PriceTable.standard();
        private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
        private Backoff backoff = Backoff.DEFAULT;
        private CircuitBreakerSettings circuitSettings = CircuitBreakerSettings.DEFAULTS;
        private ResponseCache responseCache;
        private final List<ModelProvider> providers = new ArrayList<>();

        private Builder() {}

        /** Runs timeouts, backoff and mock delays on the caller's scheduler, which {@link #close()} leaves running. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Threads of the gateway's own scheduler (when none is given); default {@value #DEFAULT_SCHEDULER_THREADS}. */
        public Builder schedulerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("scheduler threads must be >= 1");
            }
            this.schedulerThreads = threads;
            return this;
        }

        public Builder prices(PriceTable prices) {
            this.prices = Objects.requireNonNull(prices, "prices");
            return this;
        }

        /** Jitter and weighted picks; must be safe for concurrent use. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        public Builder circuitBreakerSettings(CircuitBreakerSettings settings) {
            this.circuitSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Default: in memory, {@value InMemoryResponseCache#DEFAULT_MAX_ENTRIES} entries. */
        public Builder responseCache(ResponseCache cache) {
            this.responseCache = cache;
            return this;
        }

        /** A provider besides the built-in mock and local; one of the same name replaces them. */
        public Builder provider(ModelProvider provider) {
            providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        public Builder providers(Collection<? extends ModelProvider> all) {
            all.forEach(this::provider);
            return this;
        }

        public ModelGateway build() {
            return new ModelGateway(this.copy());
        }

        private Builder copy() {
            Builder b = new Builder();
            b.scheduler = scheduler;
            b.schedulerThreads = schedulerThreads;
            b.prices = prices;
            b.random = random;
            b.backoff = backoff;
            b.circuitSettings = circuitSettings;
            b.responseCache = responseCache;
            b.providers.addAll(providers);
            return b;
        }
    }
}
