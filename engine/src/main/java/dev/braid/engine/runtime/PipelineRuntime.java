package dev.braid.engine.runtime;

import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.engine.compile.CompiledPipeline;
import dev.braid.engine.compile.PipelineCompiler;
import dev.braid.engine.compile.StepKeys;
import dev.braid.engine.run.EnrichTargetPolicy;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.StepDelta;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.UnknownProviders;
import dev.braid.engine.steps.StepKinds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;

/**
 * The engine's entry for the server: read, validate, deploy, activate and invoke pipelines.
 * Versions load beside each other ({@code direct:braid.<name>.v<N>}) in one CamelContext
 * ({@link CamelHost}); {@link #activate} swaps one immutable {@link Routing} per pipeline
 * ({@link VersionTable}); in-flight exchanges finish on the version they started on; an old
 * version's routes are removed after it drains. Calls run through the {@link Invoker}.
 */
public final class PipelineRuntime implements AutoCloseable {

    private final SpecReading specs;
    private final PipelineCompiler compiler;
    private final CamelHost host;
    private final VersionTable versions;
    private final Invoker invoker;
    private final RouteCheck routeCheck;
    private final ExecutorService continuation;
    private final ModelGateway models;
    private final Object adminLock = new Object();
    /** Versions being compiled and loaded (outside the lock), by {@code <name>/<N>}. */
    private final Map<String, CompletableFuture<DeployedVersion>> loading = new ConcurrentHashMap<>();

    public PipelineRuntime(RuntimeSettings settings) {
        this(settings, EnrichTargetPolicy.ALLOW_ALL);
    }

    /** With a policy deciding which targets enrich steps may call (the server's SSRF rules). */
    public PipelineRuntime(RuntimeSettings settings, EnrichTargetPolicy enrichPolicy) {
        // its own gateway: the settings' providers join (or replace by name) the built-in mock and local ones
        this(settings, enrichPolicy, ModelGateway.builder().providers(settings.providers()).build(), true,
                newContinuationPool());
    }

    /**
     * On the caller's model gateway (the server's one), which the caller closes; its providers are the
     * gateway's, {@code settings.providers()} is not read.
     */
    public PipelineRuntime(RuntimeSettings settings, EnrichTargetPolicy enrichPolicy, ModelGateway models) {
        this(settings, enrichPolicy, models, false, newContinuationPool());
    }

    private PipelineRuntime(RuntimeSettings settings, EnrichTargetPolicy enrichPolicy, ModelGateway models,
            boolean ownsModels, ExecutorService continuation) {
        this(settings, enrichPolicy, models, StandardComponents.create(models, ownsModels, continuation),
                () -> StandardComponents.create(models, false, continuation), continuation);
    }

    PipelineRuntime(RuntimeSettings settings, EnrichTargetPolicy enrichPolicy, ModelGateway models,
            Map<String, Component> components, Supplier<Map<String, Component>> versionComponents,
            ExecutorService continuation) {
        StepKinds kinds = StepKinds.of(settings.allowedCamelSchemes(), settings.enrichUrls());
        this.models = models;
        this.specs = new SpecReading(kinds);
        this.compiler = new PipelineCompiler(settings.outputSecrets(), kinds);
        this.continuation = continuation;
        this.host = new CamelHost(kinds, enrichPolicy, components, versionComponents);
        this.routeCheck = new RouteCheck(kinds, components.keySet());
        this.versions = new VersionTable(settings.drainTimeout(), this::unload);
        this.invoker = new Invoker(versions, this::deployIfAbsent);
    }

    /** CPU-only route work after model calls: a few threads per core, never blocked on I/O. */
    private static ExecutorService newContinuationPool() {
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "braid-route-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The base CamelContext: the components (the {@code model:} component the server reads providers
     * and prices from) and the event notifiers every version's context copies (add them before the
     * first deploy). Versions' routes run in contexts of their own; do not add routes here.
     */
    public CamelContext camelContext() {
        return host.camelContext();
    }

    /** Whether {@code version} of {@code name} is being compiled and loaded right now (for tests). */
    boolean loading(String name, int version) {
        return loading.containsKey(StepKeys.versionKey(name, version));
    }

    /** Every loaded version's routes (a copy; for tests). */
    List<org.apache.camel.Route> routes() {
        return host.routes();
    }

    /** Every loaded version's endpoints (a copy; for tests). */
    List<org.apache.camel.Endpoint> endpoints() {
        return host.endpoints();
    }

    /** The model gateway this runtime's {@code model:} steps call through. */
    public ModelGateway models() {
        return models;
    }

    /**
     * Lets a call that pins a version which is not loaded (never loaded here, drained, or unloaded
     * when idle) load it on demand: the YAML comes from {@code source}, read and compiled on
     * {@code executor} (the source may block), and the call then runs as usual.
     */
    public void versionSource(VersionSource source, Executor executor) {
        invoker.onDemand(source == null ? null : new Invoker.OnDemand(source, executor));
    }

    // ---- reading and validating ------------------------------------------------------------

    /** Reads and validates pipeline YAML with this runtime's rules, loading nothing. */
    public PipelineSpec read(String yaml) {
        return specs.read(yaml);
    }

    /** Validates the pipeline YAML and returns the Camel YAML it compiles to, loading nothing. */
    public String compile(String yaml, int version) {
        return compiler.compile(specs.read(yaml), version).camelYaml();
    }

    /**
     * Compiles {@code spec} and checks that its routes load and start, in a throwaway CamelContext:
     * the live one, which serves traffic, is never touched.
     *
     * @throws dev.braid.engine.spec.InvalidPipelineException when it does not compile or its routes do not load
     */
    public void checkRoutes(PipelineSpec spec, int version) {
        routeCheck.check(compiler.compile(spec, version));
    }

    /** Targets of {@code spec} that name a provider this runtime does not have (see {@link UnknownProviders}). */
    public List<UnknownProviders.Warning> unknownProviders(PipelineSpec spec) {
        return UnknownProviders.in(spec, name -> models.providers().find(name).isPresent());
    }

    // ---- versions --------------------------------------------------------------------------

    /**
     * Loads {@code yaml} as {@code version} unless that version is already loaded and open; a
     * version that was closed for new work (drained) is removed and loaded again. Not activated.
     */
    public DeployedVersion deployIfAbsent(String yaml, int version) {
        return load(specs.read(yaml), version, true);
    }

    /** Reads, validates, compiles and loads {@code yaml} as {@code version}; not yet active. */
    public DeployedVersion deploy(String yaml, int version) {
        return deploy(specs.read(yaml), version);
    }

    /** Compiles and loads an already-read spec as {@code version}; not yet active. */
    public DeployedVersion deploy(PipelineSpec spec, int version) {
        return load(spec, version, false);
    }

    /**
     * Compiles and loads outside the admin lock (a version loads into a context of its own), so an
     * activation or another pipeline's deploy never waits for a big compile; the lock only guards the
     * table. Two loads of one version at once: the second waits for the first and takes its result
     * ({@code reuse}) or is refused.
     */
    private DeployedVersion load(PipelineSpec spec, int version, boolean reuse) {
        String key = StepKeys.versionKey(spec.name(), version);
        CompletableFuture<DeployedVersion> mine = new CompletableFuture<>();
        CompletableFuture<DeployedVersion> other;
        LoadedVersion drained = null;
        synchronized (adminLock) {
            LoadedVersion existing = versions.get(spec.name(), version);
            if (existing != null && !existing.isClosed()) {
                if (!reuse) {
                    throw new IllegalStateException("version " + version + " of " + spec.name() + " is already loaded");
                }
                existing.touch();
                return existing.deployed;
            }
            other = loading.putIfAbsent(key, mine);
            if (other == null && existing != null && versions.remove(existing)) {
                // drained and about to be removed: its context goes now so the version can load again
                drained = existing;
            }
        }
        if (other != null) {
            if (!reuse) {
                throw new IllegalStateException("version " + version + " of " + spec.name() + " is being loaded");
            }
            try {
                return other.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            if (drained != null) {
                host.unload(drained.routes);
            }
            CompiledPipeline compiled = compiler.compile(spec, version);
            Function<Object, List<String>> inputCheck = SpecReading.inputCheck(spec);
            CamelHost.LoadedRoutes routes = host.load(compiled);
            DeployedVersion deployed = new DeployedVersion(spec.name(), version, spec, compiled.camelYaml());
            synchronized (adminLock) {
                versions.add(new LoadedVersion(deployed, compiled, routes, inputCheck));
                loading.remove(key, mine);
            }
            mine.complete(deployed);
            return deployed;
        } catch (RuntimeException | Error e) {
            loading.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** Makes a loaded version the active one; the previously active version drains and is removed. */
    public void activate(String name, int version) {
        synchronized (adminLock) {
            LoadedVersion next = versions.get(name, version);
            if (next == null || next.isClosed()) {
                throw VersionTable.notLoaded(name, version);
            }
            versions.activate(next);
        }
    }

    /**
     * Unloads a version that is not active (deployed and never activated, or kept for pinned
     * calls): it drains like a replaced version. Returns false when it was not loaded.
     *
     * @throws IllegalStateException when it is the active version
     */
    public boolean unload(String name, int version) {
        synchronized (adminLock) {
            LoadedVersion v = versions.get(name, version);
            if (v == null || v.isClosed()) {
                return false;
            }
            if (versions.active(name) == v) {
                throw new IllegalStateException("version " + version + " of " + name + " is active");
            }
            versions.retire(v);
            return true;
        }
    }

    /**
     * Removes a pipeline from this instance: no version is active any more and every loaded one
     * drains and unloads. For a registry that no longer holds the pipeline (its database was lost
     * and recreated, or the pipeline was deactivated elsewhere). Returns how many versions were loaded.
     */
    public int unloadAll(String name) {
        synchronized (adminLock) {
            return versions.forget(name);
        }
    }

    /**
     * Drains and unloads every loaded version that is not active and has had no call for
     * {@code idleFor} (pinned versions, versions deployed without activation). Returns how many.
     */
    public int unloadIdle(Duration idleFor) {
        synchronized (adminLock) {
            return versions.retireIdle(idleFor);
        }
    }

    private void unload(LoadedVersion v) {
        // a second unload of the same version (drained, then reloaded) must not touch the one that
        // replaced it; closing its context happens outside the lock (a forced stop may take seconds)
        if (versions.remove(v)) {
            host.unload(v.routes);
        }
    }

    public OptionalInt activeVersion(String name) {
        LoadedVersion v = versions.active(name);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v.version());
    }

    /** Names of pipelines with an active version. */
    public Set<String> pipelineNames() {
        return versions.activeNames();
    }

    /** A loaded version (active, draining, or deployed and not yet active). */
    public Optional<DeployedVersion> loadedVersion(String name, int version) {
        return versions.open(name, version).map(v -> v.deployed);
    }

    /** The active version of a pipeline (its spec included), or empty when none is active. */
    public Optional<DeployedVersion> activeDeployed(String name) {
        LoadedVersion v = versions.active(name);
        return v == null || v.isClosed() ? Optional.empty() : Optional.of(v.deployed);
    }

    // ---- calls -----------------------------------------------------------------------------

    /**
     * Runs a pipeline. Never blocks the calling thread on a model. Fails with an
     * {@link InvocationException}, a component exception ({@code ModelException},
     * {@code GuardBlockedException}) or, for bugs only, something else.
     */
    public CompletionStage<InvocationResult> invoke(String name, Object input, InvokeOptions options) {
        return invoker.run(name, input, options, null);
    }

    /**
     * Runs a pipeline like {@link #invoke}, handing every text delta of the pipeline's
     * {@code stream:} step to {@code deltas} as it arrives (restored when a mask step asked for
     * {@code restore: true}, then masked by the pipeline's output masks). A pipeline without {@code stream:} sends no delta; the result is the
     * same envelope {@link #invoke} gives. Deltas come on I/O threads, one at a time, before the
     * stage completes.
     */
    public CompletionStage<InvocationResult> invokeStreaming(
            String name, Object input, InvokeOptions options, Consumer<StepDelta> deltas) {
        return invoker.run(name, input, options, deltas);
    }

    /** The Braid exception inside Camel's and the JDK's wrappers. */
    static Throwable unwrap(Throwable t) {
        return Invoker.unwrap(t);
    }

    @Override
    public void close() {
        versions.close();
        host.close();
        continuation.shutdownNow();
    }
}
