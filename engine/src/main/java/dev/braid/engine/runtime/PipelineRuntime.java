package dev.braid.engine.runtime;

import dev.braid.components.mask.MaskVault;
import dev.braid.components.mask.Masker;
import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.components.step.StepBindings;
import dev.braid.engine.compile.CompiledPipeline;
import dev.braid.engine.compile.FinishBinding;
import dev.braid.engine.compile.PipelineCompiler;
import dev.braid.engine.compile.StepKeys;
import dev.braid.engine.context.PipelineContext;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import dev.braid.engine.spec.UnknownProviders;
import dev.braid.engine.spec.ValidationError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Component;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceHelper;

/**
 * One CamelContext holding every deployed pipeline version. Versions load beside each other
 * ({@code direct:braid.<name>.v<N>}); {@link #activate} swaps one atomic reference per pipeline;
 * in-flight exchanges finish on the version they started on; an old version's routes are removed
 * after it drains.
 */
public final class PipelineRuntime implements AutoCloseable {

    private static final String WARMUP_YAML = """
            - route:
                id: braid-warmup
                group: braid-warmup
                from:
                  uri: direct:braid-warmup
                  steps:
                    - filter:
                        expression:
                          exchangeProperty:
                            expression: BraidStepEnabled
                        steps:
                          - to: direct:braid-warmup-branch
            """;

    private final RuntimeSettings settings;
    private final DefaultCamelContext camel;
    private final StepBindingRegistry registry = new StepBindingRegistry();
    private final PipelineCompiler compiler;
    private final SpecReading specs;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Loaded>> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService drainer;
    private final Object adminLock = new Object();
    private final ExecutorService continuation;
    private final ModelGateway models;
    private volatile OnDemand onDemand;

    /** Loads pinned versions that are not in memory: from {@code source}, on {@code executor}. */
    private record OnDemand(VersionSource source, java.util.concurrent.Executor executor) {}

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
        this(settings, enrichPolicy, models, StandardComponents.create(models, ownsModels, continuation), continuation);
    }

    PipelineRuntime(RuntimeSettings settings, EnrichTargetPolicy enrichPolicy, ModelGateway models,
            Map<String, Component> components, ExecutorService continuation) {
        this.settings = settings;
        this.models = models;
        this.compiler = new PipelineCompiler(settings.outputSecrets());
        this.continuation = continuation;
        this.specs = new SpecReading(settings);
        this.drainer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "braid-drain");
            t.setDaemon(true);
            return t;
        });
        this.camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("braid");
        DirectComponent direct = new DirectComponent();
        // a removed version must fail fast, not block 30 s waiting for a consumer
        direct.setBlock(false);
        camel.addComponent("direct", direct);
        camel.addComponent(BraidComponent.SCHEME, new BraidComponent(registry, enrichPolicy));
        components.forEach(camel::addComponent);
        camel.getRegistry().bind(StepBindings.BEAN_NAME, registry);
        camel.getRegistry().bind(PipelineCompiler.PARALLEL_STRATEGY_BEAN, new ParallelStrategy());
        camel.getShutdownStrategy().setTimeout(10);
        // failures go back to the caller as typed exceptions; Camel's default handler would log each
        // one (a guard block, a provider 429) as an ERROR with a stack trace, and Braid never redelivers
        camel.getCamelContextExtension().setErrorHandlerFactory(new org.apache.camel.builder.NoErrorHandlerBuilder());
        camel.start();
        warmUp();
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

    /** The CamelContext (for metrics and tests); do not add or remove Braid routes through it. */
    public CamelContext camelContext() {
        return camel;
    }

    /** The model gateway this runtime's {@code model:} steps call through. */
    public ModelGateway models() {
        return models;
    }

    private void warmUp() {
        // the tokenizer loads its BPE ranks on first use (~1 s): not on the first request's clock,
        // and not on startup's either (a daemon thread loads them while the server starts)
        dev.braid.components.tokens.TokenCounter.preload();
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("braid-warmup.yaml", WARMUP_YAML));
        } catch (Exception e) {
            throw new IllegalStateException("the Camel YAML DSL did not load", e);
        } finally {
            removeGroup("braid-warmup");
        }
    }

    /**
     * Lets a call that pins a version which is not loaded (never loaded here, drained, or unloaded
     * when idle) load it on demand: the YAML comes from {@code source}, read and compiled on
     * {@code executor} (the source may block), and the call then runs as usual.
     */
    public void versionSource(VersionSource source, java.util.concurrent.Executor executor) {
        this.onDemand = source == null ? null : new OnDemand(source, executor);
    }

    /**
     * Loads {@code yaml} as {@code version} unless that version is already loaded and open; a
     * version that was closed for new work (drained) is removed and loaded again. Not activated.
     */
    public DeployedVersion deployIfAbsent(String yaml, int version) {
        PipelineSpec spec = specs.read(yaml);
        synchronized (adminLock) {
            Loaded existing = loaded.get(StepKeys.versionKey(spec.name(), version));
            if (existing != null) {
                if (!existing.isClosed()) {
                    existing.touch();
                    return existing.deployed;
                }
                unload(existing);
            }
            return deploy(spec, version);
        }
    }

    /**
     * Drains and unloads every loaded version that is not active and has had no call for
     * {@code idleFor} (pinned versions, versions deployed without activation). Returns how many.
     */
    public int unloadIdle(java.time.Duration idleFor) {
        long now = System.nanoTime();
        int count = 0;
        synchronized (adminLock) {
            for (Loaded v : List.copyOf(loaded.values())) {
                AtomicReference<Loaded> ref = active.get(v.deployed.name());
                boolean isActive = ref != null && ref.get() == v;
                if (!isActive && !v.retiring && !v.isClosed() && v.inFlight.get() == 0
                        && now - v.lastUsed > idleFor.toNanos()) {
                    retire(v);
                    count++;
                }
            }
        }
        return count;
    }

    /** Reads, validates, compiles and loads {@code yaml} as {@code version}; not yet active. */
    public DeployedVersion deploy(String yaml, int version) {
        return deploy(specs.read(yaml), version);
    }

    /** Compiles and loads an already-read spec as {@code version}; not yet active. */
    public DeployedVersion deploy(PipelineSpec spec, int version) {
        synchronized (adminLock) {
            String vkey = StepKeys.versionKey(spec.name(), version);
            Loaded existing = loaded.get(vkey);
            if (existing != null && existing.isClosed()) {
                // drained and about to be removed: remove it now so the version can load again
                unload(existing);
            }
            if (loaded.containsKey(vkey)) {
                throw new IllegalStateException("version " + version + " of " + spec.name() + " is already loaded");
            }
            CompiledPipeline compiled = compiler.compile(spec, version);
            Function<Object, List<String>> inputCheck = SpecReading.inputCheck(spec);
            registry.addAll(compiled.bindings());
            try {
                PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(
                        "braid-" + spec.name() + "-v" + version + ".yaml", compiled.camelYaml()));
                for (Route r : groupRoutes(compiled.group())) {
                    if (!camel.getRouteController().getRouteStatus(r.getRouteId()).isStarted()) {
                        throw new IllegalStateException("route " + r.getRouteId() + " did not start");
                    }
                }
                Endpoint entry = camel.getEndpoint(compiled.entryUri());
                AsyncProducer producer = entry.createAsyncProducer();
                ServiceHelper.startService(producer);
                DeployedVersion deployed = new DeployedVersion(spec.name(), version, spec, compiled.camelYaml());
                loaded.put(vkey, new Loaded(deployed, compiled, entry, producer, inputCheck));
                return deployed;
            } catch (Exception | LinkageError e) {
                removeGroup(compiled.group());
                removeStepEndpoints(vkey);
                registry.removeAll(compiled.bindings().keySet());
                throw new InvalidPipelineException(List.of(loadError(spec, e)));
            }
        }
    }

    /** Where a load failure points: the first camel step (the only pipeline code Camel reads as Camel). */
    private static ValidationError loadError(PipelineSpec spec, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = message.indexOf('\n');
        if (nl > 0) {
            message = message.substring(0, nl);
        }
        SourcePosition pos = firstCamelStep(spec.steps()).map(StepSpec::position).orElse(SourcePosition.UNKNOWN);
        if (pos == null) {
            pos = SourcePosition.UNKNOWN;
        }
        return new ValidationError(pos.line(), pos.column(), pos.path().isEmpty() ? "steps" : pos.path() + ".camel",
                "the Camel routes did not load: " + message);
    }

    private static Optional<StepSpec> firstCamelStep(List<StepSpec> steps) {
        for (StepSpec s : steps) {
            if (s.step() instanceof Step.Camel) {
                return Optional.of(s);
            }
            if (s.step() instanceof Step.Parallel p) {
                Optional<StepSpec> inner = firstCamelStep(p.branches());
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.empty();
    }

    /** Makes a loaded version the active one; the previously active version drains and is removed. */
    public void activate(String name, int version) {
        synchronized (adminLock) {
            Loaded next = loaded.get(StepKeys.versionKey(name, version));
            if (next == null || next.isClosed()) {
                throw new InvocationException.PipelineNotFound(
                        "version " + version + " of pipeline '" + name + "' is not loaded", true);
            }
            synchronized (next) {
                if (next.isClosed()) {
                    throw new InvocationException.PipelineNotFound(
                            "version " + version + " of pipeline '" + name + "' is not loaded", true);
                }
                next.retiring = false;
            }
            Loaded previous = active.computeIfAbsent(name, n -> new AtomicReference<>()).getAndSet(next);
            if (previous != null && previous != next) {
                retire(previous);
            }
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
            Loaded v = loaded.get(StepKeys.versionKey(name, version));
            if (v == null || v.isClosed()) {
                return false;
            }
            AtomicReference<Loaded> ref = active.get(name);
            if (ref != null && ref.get() == v) {
                throw new IllegalStateException("version " + version + " of " + name + " is active");
            }
            retire(v);
            return true;
        }
    }

    public OptionalInt activeVersion(String name) {
        AtomicReference<Loaded> ref = active.get(name);
        Loaded v = ref == null ? null : ref.get();
        return v == null ? OptionalInt.empty() : OptionalInt.of(v.deployed.version());
    }

    /** Names of pipelines with an active version. */
    public Set<String> pipelineNames() {
        Set<String> names = new TreeSet<>();
        active.forEach((n, ref) -> {
            if (ref.get() != null) {
                names.add(n);
            }
        });
        return names;
    }

    /** A loaded version (active, draining, or deployed and not yet active). */
    public Optional<DeployedVersion> loadedVersion(String name, int version) {
        Loaded v = loaded.get(StepKeys.versionKey(name, version));
        return v == null || v.isClosed() ? Optional.empty() : Optional.of(v.deployed);
    }

    /** Targets of {@code spec} that name a provider this runtime does not have (see {@link UnknownProviders}). */
    public List<UnknownProviders.Warning> unknownProviders(PipelineSpec spec) {
        return UnknownProviders.in(spec, name -> models.providers().find(name).isPresent());
    }

    /** Reads and validates pipeline YAML with this runtime's rules, loading nothing. */
    public PipelineSpec read(String yaml) {
        return specs.read(yaml);
    }

    /** Validates the pipeline YAML and returns the Camel YAML it compiles to, loading nothing. */
    public String compile(String yaml, int version) {
        return compiler.compile(specs.read(yaml), version).camelYaml();
    }

    /**
     * Runs a pipeline. Never blocks the calling thread on a model. Fails with an
     * {@link InvocationException}, a component exception ({@code ModelException},
     * {@code GuardBlockedException}) or, for bugs only, something else.
     */
    public CompletionStage<InvocationResult> invoke(String name, Object input, InvokeOptions options) {
        return run(name, input, options, null);
    }

    /**
     * Runs a pipeline like {@link #invoke}, handing every text delta of the pipeline's
     * {@code stream:} step to {@code deltas} as it arrives (restored when a mask step asked for
     * {@code restore: true}, then masked by the pipeline's output masks). A pipeline without {@code stream:} sends no delta; the result is the
     * same envelope {@link #invoke} gives. Deltas come on I/O threads, one at a time, before the
     * stage completes.
     */
    public CompletionStage<InvocationResult> invokeStreaming(
            String name, Object input, InvokeOptions options, java.util.function.Consumer<StepDelta> deltas) {
        return run(name, input, options, deltas);
    }

    /** The active version of a pipeline (its spec included), or empty when none is active. */
    public Optional<DeployedVersion> activeDeployed(String name) {
        AtomicReference<Loaded> ref = active.get(name);
        Loaded v = ref == null ? null : ref.get();
        return v == null || v.isClosed() ? Optional.empty() : Optional.of(v.deployed);
    }

    private CompletionStage<InvocationResult> run(
            String name, Object input, InvokeOptions options, java.util.function.Consumer<StepDelta> deltas) {
        InvokeOptions opts = options == null ? InvokeOptions.DEFAULTS : options;
        OnDemand od = onDemand;
        if (opts.version() != null && od != null && loadedVersion(name, opts.version()).isEmpty()) {
            // a pinned version that is not in memory: load it off this thread, then run as usual
            return loadThen(od, name, opts.version(), () -> run(name, input, opts, deltas));
        }
        Loaded v;
        try {
            v = acquire(name, opts.version());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        try {
            List<String> problems = v.inputCheck.apply(input);
            if (!problems.isEmpty()) {
                throw new InvocationException.InputInvalid(problems);
            }
            PipelineContext ctx = new PipelineContext(name, v.deployed.version(), input, v.compiled.stepOrder());
            Exchange exchange = v.entry.createExchange();
            exchange.setProperty(PipelineContext.EXCHANGE_PROPERTY, ctx);
            MaskVault vault = null;
            if (v.masks) {
                // created before any branch copies the exchange, so every branch shares one vault
                vault = MaskVault.of(exchange);
            }
            DeltaStream stream = null;
            String streamStep = v.deployed.spec().stream();
            if (deltas != null && streamStep != null) {
                stream = new DeltaStream(streamStep, deltas, v.restores ? vault : null, v.outputMaskers,
                        vault == null ? null : vault.outputVault());
                exchange.setProperty(DeltaStream.EXCHANGE_PROPERTY, stream);
            }
            DeltaStream opened = stream;
            exchange.getMessage().setBody(input);
            String id = opts.requestId() != null ? opts.requestId() : newId();
            v.producer.processAsync(exchange).whenComplete((done, failure) -> {
                // closed while this request still counts as in flight: forced, past the drain timeout
                boolean retired = v.isClosed();
                release(v);
                Throwable error = failure != null ? failure : exchange.getException();
                if (opened != null && error == null) {
                    opened.flush(); // text a restorer held back when the provider sent no finish
                }
                if (error != null) {
                    reportFailedRun(opts, new InvocationResult(id, name, v.deployed.version(), null, ctx.results(),
                            ctx.usage(), ctx.elapsedMs()));
                    result.completeExceptionally(retired ? retiredUnder(v, unwrap(error)) : unwrap(error));
                } else {
                    // braid:finish left the output (restored where a mask step asked) in the body
                    result.complete(new InvocationResult(id, name, v.deployed.version(),
                            exchange.getMessage().getBody(), ctx.results(), ctx.usage(), ctx.elapsedMs()));
                }
            });
        } catch (RuntimeException e) {
            release(v);
            result.completeExceptionally(unwrap(e));
        }
        return result;
    }

    /**
     * A request still in flight when its version was force-closed (the drain timeout passed) fails
     * inside Camel when the version's routes go ("not started" processors, rejected work): that is
     * not a bug to answer with 500 but a retired version. Provider and guard failures stay as they are.
     */
    private static Throwable retiredUnder(Loaded v, Throwable error) {
        boolean camelGaveUp = error instanceof IllegalStateException
                || error instanceof java.util.concurrent.RejectedExecutionException
                || error instanceof RuntimeCamelException;
        return camelGaveUp ? new InvocationException.VersionRetired(v.deployed.name(), v.deployed.version()) : error;
    }

    /** Hands a failed invocation's finished steps to the caller; a failing listener never hides the failure. */
    private static void reportFailedRun(InvokeOptions opts, InvocationResult run) {
        if (opts.onFailure() == null) {
            return;
        }
        try {
            opts.onFailure().accept(run);
        } catch (RuntimeException e) {
            // the invocation's own failure is what the caller must see; this one is only reported
            System.getLogger(PipelineRuntime.class.getName())
                    .log(System.Logger.Level.WARNING, "the failed-run listener failed: " + e);
        }
    }

    /** Loads a stored version on the source's executor, then runs {@code then}; failures fail the stage. */
    private CompletionStage<InvocationResult> loadThen(
            OnDemand od, String name, int version, java.util.function.Supplier<CompletionStage<InvocationResult>> then) {
        CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        Runnable load = () -> {
            CompletionStage<InvocationResult> call;
            try {
                if (loadedVersion(name, version).isEmpty()) {
                    String yaml = od.source().yaml(name, version).orElseThrow(() -> new InvocationException.PipelineNotFound(
                            "version " + version + " of pipeline '" + name + "' does not exist", true));
                    DeployedVersion deployed = deployIfAbsent(yaml, version);
                    if (!deployed.name().equals(name)) {
                        throw new InvocationException.PipelineNotFound(
                                "version " + version + " of pipeline '" + name + "' does not exist", true);
                    }
                }
                call = then.get();
            } catch (Throwable e) {
                result.completeExceptionally(unwrap(e));
                return;
            }
            call.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(unwrap(e));
                } else {
                    result.complete(r);
                }
            });
        };
        try {
            od.executor().execute(load);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static String newId() {
        return "inv_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The Braid exception inside Camel's and the JDK's wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CamelExecutionException
                        || current instanceof RuntimeCamelException
                        || current instanceof CompletionException
                        || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private Loaded acquire(String name, Integer pinned) {
        if (pinned != null) {
            Loaded v = loaded.get(StepKeys.versionKey(name, pinned));
            if (v == null || !v.tryAcquire()) {
                throw new InvocationException.PipelineNotFound(
                        "version " + pinned + " of pipeline '" + name + "' is not loaded", true);
            }
            v.touch();
            return v;
        }
        AtomicReference<Loaded> ref = active.get(name);
        for (int attempt = 0; ; attempt++) {
            Loaded v = ref == null ? null : ref.get();
            if (v == null || attempt > 1000) {
                throw new InvocationException.PipelineNotFound("no pipeline named '" + name + "'", false);
            }
            if (v.tryAcquire()) {
                return v;
            }
            // closed between the read and the acquire: the reference has moved on; read it again
            Thread.onSpinWait();
        }
    }

    private void release(Loaded v) {
        if (v.inFlight.decrementAndGet() == 0) {
            boolean closed;
            synchronized (v) {
                closed = v.retiring && v.tryClose();
            }
            if (closed) {
                // never on this thread: it may still be inside the old version's route
                drainer.execute(() -> unload(v));
            }
        }
    }

    private void retire(Loaded v) {
        boolean closed;
        synchronized (v) {
            v.retiring = true;
            closed = v.tryClose();
        }
        if (closed) {
            drainer.execute(() -> unload(v));
            return;
        }
        drainer.schedule(() -> {
            boolean forced;
            synchronized (v) {
                forced = v.retiring && v.forceClose();
            }
            if (forced) {
                unload(v);
            }
        }, settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void unload(Loaded v) {
        synchronized (adminLock) {
            // a second unload of the same version (drained, then reloaded under the same route
            // group) must not touch the routes of the version that replaced it
            if (!loaded.remove(StepKeys.versionKey(v.deployed.name(), v.deployed.version()), v)) {
                return;
            }
            try {
                ServiceHelper.stopService(v.producer);
            } catch (RuntimeException ignored) {
                // the routes go regardless
            }
            removeGroup(v.compiled.group());
            removeStepEndpoints(StepKeys.versionKey(v.deployed.name(), v.deployed.version()));
            registry.removeAll(v.compiled.bindings().keySet());
        }
    }

    private List<Route> groupRoutes(String group) {
        return camel.getRoutes(r -> group.equals(r.getGroup()));
    }

    /** Stops and removes every route of a group, including routes that never started. */
    private void removeGroup(String group) {
        List<String> ids = new ArrayList<>();
        for (Route r : groupRoutes(group)) {
            ids.add(r.getRouteId());
        }
        for (String id : ids) {
            try {
                camel.getRouteController().stopRoute(id, 2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // removing it below is what matters
            }
            try {
                camel.removeRoute(id);
            } catch (Exception ignored) {
                // a route that cannot be removed stays stopped
            }
        }
        try {
            camel.removeEndpoints("direct:" + group + "*");
        } catch (Exception ignored) {
            // endpoints are cheap leftovers
        }
    }

    /** Removes the step endpoints ({@code model:chat?step=<name>/<N>/…}) of an unloaded version. */
    private void removeStepEndpoints(String versionKey) {
        String mid = "step=" + versionKey + "/";
        String end = "step=" + versionKey;
        for (Endpoint ep : List.copyOf(camel.getEndpoints())) {
            String uri = ep.getEndpointUri();
            if (uri.contains(mid) || uri.endsWith(end)) {
                try {
                    camel.removeEndpoint(ep);
                } catch (Exception ignored) {
                    // a leftover endpoint holds no resources once its route is gone
                }
            }
        }
    }

    @Override
    public void close() {
        drainer.shutdownNow();
        try {
            camel.close();
            continuation.shutdownNow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A version in the CamelContext, with its in-flight count: negative once closed for new work. */
    private static final class Loaded {
        final DeployedVersion deployed;
        final CompiledPipeline compiled;
        final Endpoint entry;
        final AsyncProducer producer;
        final Function<Object, List<String>> inputCheck;
        final boolean masks;
        final boolean restores;
        /** The output maskers {@code braid:finish} applies; the stream applies them too. */
        final List<Masker> outputMaskers;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile boolean retiring;
        volatile long lastUsed = System.nanoTime();

        Loaded(DeployedVersion deployed, CompiledPipeline compiled, Endpoint entry, AsyncProducer producer,
                Function<Object, List<String>> inputCheck) {
            this.deployed = deployed;
            this.compiled = compiled;
            this.entry = entry;
            this.producer = producer;
            this.inputCheck = inputCheck;
            this.masks = hasMask(deployed.spec().steps());
            this.restores = restores(deployed.spec().steps());
            this.outputMaskers = compiled.bindings()
                    .getOrDefault(StepKeys.versionKey(deployed.name(), deployed.version()), List.of())
                    .stream()
                    .filter(b -> b instanceof FinishBinding)
                    .map(b -> ((FinishBinding) b).outputMaskers())
                    .findFirst()
                    .orElse(List.of());
        }

        private static boolean restores(List<StepSpec> steps) {
            for (StepSpec s : steps) {
                if (s.step() instanceof Step.Mask m && m.restore()
                        || s.step() instanceof Step.Parallel p && restores(p.branches())) {
                    return true;
                }
            }
            return false;
        }

        private static boolean hasMask(List<StepSpec> steps) {
            for (StepSpec s : steps) {
                if (s.step() instanceof Step.Mask
                        || s.step() instanceof Step.Parallel p && hasMask(p.branches())) {
                    return true;
                }
            }
            return false;
        }

        void touch() {
            lastUsed = System.nanoTime();
        }

        boolean tryAcquire() {
            while (true) {
                int c = inFlight.get();
                if (c < 0) {
                    return false;
                }
                if (inFlight.compareAndSet(c, c + 1)) {
                    return true;
                }
            }
        }

        boolean tryClose() {
            return inFlight.compareAndSet(0, Integer.MIN_VALUE / 2);
        }

        boolean forceClose() {
            return inFlight.getAndSet(Integer.MIN_VALUE / 2) >= 0;
        }

        boolean isClosed() {
            return inFlight.get() < 0;
        }
    }
}
