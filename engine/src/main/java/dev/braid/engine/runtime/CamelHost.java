package dev.braid.engine.runtime;

import dev.braid.components.step.StepBindings;
import dev.braid.engine.compile.CompiledPipeline;
import dev.braid.engine.run.EnrichTargetPolicy;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.ValidationError;
import dev.braid.engine.steps.StepKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Owns Braid's CamelContexts: a base context (the components the server looks up, event notifiers
 * such as tracing's, the YAML DSL warmed up) and one context per loaded version, holding only that
 * version's routes and step bindings with components of its own ({@code direct:}, {@code braid:},
 * {@code model:}, {@code mask:}, {@code guard:}) over the shared model gateway. Loading a version
 * never touches another version's context: Camel's route bookkeeping (adding a route first removes
 * any route of the same id, which gathers every route's endpoints; starting one checks every route
 * for consumer clashes) is linear in the routes of a context, so in one shared context a 1,000-step
 * deploy cost grew with everything loaded (1.8 s with nothing, 52 s with 4,000 routes). Unloading
 * closes the version's context. Knows nothing of which version is active.
 */
final class CamelHost implements AutoCloseable {

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

    /** One version's routes: the context they run in, its entry endpoint and a started producer on it. */
    record LoadedRoutes(DefaultCamelContext context, Endpoint entry, AsyncProducer producer) {}

    private final DefaultCamelContext camel;
    private final StepBindingRegistry registry = new StepBindingRegistry();
    private final StepKinds kinds;
    private final EnrichTargetPolicy enrichPolicy;
    private final Supplier<Map<String, Component>> versionComponents;
    private final Set<DefaultCamelContext> versionContexts = ConcurrentHashMap.newKeySet();

    /**
     * @param components the base context's components (the model component the server looks up)
     * @param versionComponents fresh components of the same kinds for each version's context
     */
    CamelHost(StepKinds kinds, EnrichTargetPolicy enrichPolicy, Map<String, Component> components,
            Supplier<Map<String, Component>> versionComponents) {
        this.kinds = kinds;
        this.enrichPolicy = enrichPolicy;
        this.versionComponents = versionComponents;
        this.camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("braid");
        configure(camel, kinds, registry, new BraidComponent(registry, enrichPolicy, kinds.operations()));
        components.forEach(camel::addComponent);
        camel.getShutdownStrategy().setTimeout(10);
        camel.start();
        warmUp();
    }

    /** A started context for one version: Braid's components, the base context's event notifiers. */
    private DefaultCamelContext versionContext(String group, StepBindingRegistry bindings) {
        DefaultCamelContext v = new DefaultCamelContext();
        v.getCamelContextExtension().setName(group);
        configure(v, kinds, bindings, new BraidComponent(bindings, enrichPolicy, kinds.operations()));
        versionComponents.get().forEach(v::addComponent);
        // a retired version has drained (or was forced out after the drain timeout): a short grace
        v.getShutdownStrategy().setTimeout(2);
        v.getShutdownStrategy().setLogInflightExchangesOnTimeout(false);
        List<EventNotifier> notifiers = camel.getManagementStrategy().getEventNotifiers();
        if (!notifiers.isEmpty()) {
            v.getCamelContextExtension().setEventNotificationApplicable(true);
            notifiers.forEach(n -> v.getManagementStrategy().addEventNotifier(new SharedNotifier(n)));
        }
        v.start();
        return v;
    }

    /** Every route of every loaded version (for tests and diagnostics; a copy). */
    List<Route> routes() {
        List<Route> all = new ArrayList<>();
        for (DefaultCamelContext v : versionContexts) {
            all.addAll(v.getRoutes());
        }
        return all;
    }

    /** Every endpoint of every loaded version's context (for tests; a copy). */
    List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>();
        for (DefaultCamelContext v : versionContexts) {
            all.addAll(v.getEndpoints());
        }
        return all;
    }

    /** What every Braid CamelContext has, the live one and a route check's throwaway one. */
    static void configure(DefaultCamelContext camel, StepKinds kinds, StepBindings bindings, Component braid) {
        DirectComponent direct = new DirectComponent();
        // a removed version must fail fast, not block 30 s waiting for a consumer
        direct.setBlock(false);
        camel.addComponent("direct", direct);
        camel.addComponent(BraidComponent.SCHEME, braid);
        camel.getRegistry().bind(StepBindings.BEAN_NAME, bindings);
        kinds.camelBeans().forEach(camel.getRegistry()::bind);
        // failures go back to the caller as typed exceptions; Camel's default handler would log each
        // one (a guard block, a provider 429) as an ERROR with a stack trace, and Braid never redelivers
        camel.getCamelContextExtension().setErrorHandlerFactory(new org.apache.camel.builder.NoErrorHandlerBuilder());
    }

    CamelContext camelContext() {
        return camel;
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
            removeGroup(camel, "braid-warmup");
        }
    }

    /**
     * Loads a compiled version into a new context of its own, with its step bindings; safe to call
     * from several threads at once (nothing shared is written). On any failure closes that context
     * and throws an {@link InvalidPipelineException} pointing at the version's raw Camel, if any.
     */
    LoadedRoutes load(CompiledPipeline compiled) {
        StepBindingRegistry bindings = new StepBindingRegistry();
        bindings.addAll(compiled.bindings());
        DefaultCamelContext v = null;
        try {
            v = versionContext(compiled.group(), bindings);
            PluginHelper.getRoutesLoader(v).loadRoutes(ResourceHelper.fromString(
                    "braid-" + compiled.name() + "-v" + compiled.version() + ".yaml", compiled.camelYaml()));
            for (Route r : v.getRoutes()) {
                if (!v.getRouteController().getRouteStatus(r.getRouteId()).isStarted()) {
                    throw new IllegalStateException("route " + r.getRouteId() + " did not start");
                }
            }
            Endpoint entry = v.getEndpoint(compiled.entryUri());
            AsyncProducer producer = entry.createAsyncProducer();
            ServiceHelper.startService(producer);
            versionContexts.add(v);
            return new LoadedRoutes(v, entry, producer);
        } catch (Exception | LinkageError e) {
            closeQuietly(v);
            throw new InvalidPipelineException(List.of(loadError(compiled, e)));
        }
    }

    /** Stops the version's producer and closes its context (routes, endpoints, step bindings). */
    void unload(LoadedRoutes routes) {
        try {
            ServiceHelper.stopService(routes.producer());
        } catch (RuntimeException ignored) {
            // the routes go regardless
        }
        versionContexts.remove(routes.context());
        closeQuietly(routes.context());
    }

    private static void closeQuietly(DefaultCamelContext v) {
        if (v == null) {
            return;
        }
        try {
            v.close();
        } catch (Exception | LinkageError ignored) {
            // a context that does not close cleanly holds nothing a call can reach any more
        }
    }

    /** Where a load failure points: the first camel step (the only pipeline code Camel reads as Camel). */
    static ValidationError loadError(CompiledPipeline compiled, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = message.indexOf('\n');
        if (nl > 0) {
            message = message.substring(0, nl);
        }
        SourcePosition pos = compiled.rawCamelAt();
        return new ValidationError(pos.line(), pos.column(), pos.path(), "the Camel routes did not load: " + message);
    }

    private static List<Route> groupRoutes(CamelContext camel, String group) {
        return camel.getRoutes(r -> group.equals(r.getGroup()));
    }

    /** Stops and removes every route of a group, including routes that never started. */
    static void removeGroup(CamelContext camel, String group) {
        List<String> ids = new ArrayList<>();
        for (Route r : groupRoutes(camel, group)) {
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

    @Override
    public void close() {
        for (DefaultCamelContext v : List.copyOf(versionContexts)) {
            versionContexts.remove(v);
            closeQuietly(v);
        }
        try {
            camel.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * One of the base context's notifiers (tracing) seen by a version's context: it forwards events
     * and is never started or stopped by that context, whose close must not stop it for every other.
     */
    private static final class SharedNotifier extends EventNotifierSupport {
        private final EventNotifier delegate;

        SharedNotifier(EventNotifier delegate) {
            this.delegate = delegate;
            setIgnoreCamelContextEvents(delegate.isIgnoreCamelContextEvents());
            setIgnoreCamelContextInitEvents(delegate.isIgnoreCamelContextInitEvents());
            setIgnoreRouteEvents(delegate.isIgnoreRouteEvents());
            setIgnoreServiceEvents(delegate.isIgnoreServiceEvents());
            setIgnoreExchangeEvents(delegate.isIgnoreExchangeEvents());
            setIgnoreExchangeCreatedEvent(delegate.isIgnoreExchangeCreatedEvent());
            setIgnoreExchangeCompletedEvent(delegate.isIgnoreExchangeCompletedEvent());
            setIgnoreExchangeFailedEvents(delegate.isIgnoreExchangeFailedEvents());
            setIgnoreExchangeRedeliveryEvents(delegate.isIgnoreExchangeRedeliveryEvents());
            setIgnoreExchangeSendingEvents(delegate.isIgnoreExchangeSendingEvents());
            setIgnoreExchangeSentEvents(delegate.isIgnoreExchangeSentEvents());
            setIgnoreStepEvents(delegate.isIgnoreStepEvents());
            setIgnoreExchangeAsyncProcessingStartedEvents(delegate.isIgnoreExchangeAsyncProcessingStartedEvents());
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return delegate.isEnabled(event);
        }

        @Override
        public boolean isDisabled() {
            return delegate.isDisabled();
        }

        @Override
        public void notify(CamelEvent event) throws Exception {
            delegate.notify(event);
        }
    }
}
