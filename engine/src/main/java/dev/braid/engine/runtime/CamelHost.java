package dev.braid.engine.runtime;

import dev.braid.components.step.StepBindings;
import dev.braid.engine.compile.CompiledPipeline;
import dev.braid.engine.compile.StepKeys;
import dev.braid.engine.run.EnrichTargetPolicy;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.ValidationError;
import dev.braid.engine.steps.StepKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Owns the one CamelContext every loaded version runs in: its components ({@code direct:},
 * {@code braid:}, {@code model:}, {@code mask:}, {@code guard:}), the step bindings bean, the
 * beans step kinds reference, and loading and removing one version's routes. Knows nothing of
 * which version is active.
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

    /** One version's routes in the context: its entry endpoint and a started producer on it. */
    record LoadedRoutes(Endpoint entry, AsyncProducer producer) {}

    private final DefaultCamelContext camel;
    private final StepBindingRegistry registry = new StepBindingRegistry();

    CamelHost(StepKinds kinds, EnrichTargetPolicy enrichPolicy, Map<String, Component> components) {
        this.camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("braid");
        configure(camel, kinds, registry, new BraidComponent(registry, enrichPolicy, kinds.operations()));
        components.forEach(camel::addComponent);
        camel.getShutdownStrategy().setTimeout(10);
        camel.start();
        warmUp();
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
     * Binds a compiled version's steps and loads its routes; on any failure removes what it added
     * and throws an {@link InvalidPipelineException} pointing at the version's raw Camel, if any.
     */
    LoadedRoutes load(CompiledPipeline compiled) {
        registry.addAll(compiled.bindings());
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(
                    "braid-" + compiled.name() + "-v" + compiled.version() + ".yaml", compiled.camelYaml()));
            for (Route r : groupRoutes(camel, compiled.group())) {
                if (!camel.getRouteController().getRouteStatus(r.getRouteId()).isStarted()) {
                    throw new IllegalStateException("route " + r.getRouteId() + " did not start");
                }
            }
            Endpoint entry = camel.getEndpoint(compiled.entryUri());
            AsyncProducer producer = entry.createAsyncProducer();
            ServiceHelper.startService(producer);
            return new LoadedRoutes(entry, producer);
        } catch (Exception | LinkageError e) {
            removeGroup(camel, compiled.group());
            removeStepEndpoints(StepKeys.versionKey(compiled.name(), compiled.version()));
            registry.removeAll(compiled.bindings().keySet());
            throw new InvalidPipelineException(List.of(loadError(compiled, e)));
        }
    }

    /** Stops the version's producer, removes its routes, step endpoints and bindings. */
    void unload(CompiledPipeline compiled, AsyncProducer producer) {
        try {
            ServiceHelper.stopService(producer);
        } catch (RuntimeException ignored) {
            // the routes go regardless
        }
        removeGroup(camel, compiled.group());
        removeStepEndpoints(StepKeys.versionKey(compiled.name(), compiled.version()));
        registry.removeAll(compiled.bindings().keySet());
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
        try {
            camel.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
