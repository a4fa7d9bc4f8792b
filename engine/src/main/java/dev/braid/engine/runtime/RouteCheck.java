package dev.braid.engine.runtime;

import dev.braid.engine.compile.CompiledPipeline;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.steps.StepKinds;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Checks that a compiled version's routes load and start, in a throwaway CamelContext, never the
 * live one: a validation must not touch what serves traffic. Braid's own endpoints
 * ({@code braid:}, {@code model:}, {@code mask:}, {@code guard:}) are stand-ins that accept a
 * {@code step} and do nothing, since the compiler writes them; everything else a route names (what
 * an integrator wrote in a {@code camel} step) resolves through Camel as it would when deployed.
 */
final class RouteCheck {

    private final StepKinds kinds;
    private final Set<String> braidSchemes;

    /** @param braidSchemes the schemes of the components Braid adds (model, mask, guard, …) */
    RouteCheck(StepKinds kinds, Set<String> braidSchemes) {
        this.kinds = kinds;
        this.braidSchemes = Set.copyOf(braidSchemes);
    }

    /** @throws InvalidPipelineException when the routes do not load or start, pointing at the raw Camel */
    void check(CompiledPipeline compiled) {
        DefaultCamelContext camel = new DefaultCamelContext();
        try {
            camel.getCamelContextExtension().setName("braid-route-check");
            StepBindingRegistry bindings = new StepBindingRegistry();
            bindings.addAll(compiled.bindings());
            CamelHost.configure(camel, kinds, bindings, new StandIn());
            braidSchemes.forEach(scheme -> camel.addComponent(scheme, new StandIn()));
            camel.start();
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(
                    "braid-" + compiled.name() + "-check.yaml", compiled.camelYaml()));
            for (Route r : camel.getRoutes()) {
                if (!camel.getRouteController().getRouteStatus(r.getRouteId()).isStarted()) {
                    throw new IllegalStateException("route " + r.getRouteId() + " did not start");
                }
            }
        } catch (Exception | LinkageError e) {
            throw new InvalidPipelineException(List.of(CamelHost.loadError(compiled, e)));
        } finally {
            try {
                camel.close();
            } catch (Exception ignored) {
                // a throwaway context: nothing of it is kept
            }
        }
    }

    /** Accepts {@code <scheme>:<anything>?step=<key>}; its producer is never called. */
    private static final class StandIn extends DefaultComponent {
        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
            if (parameters.get("step") == null) {
                throw new IllegalArgumentException(uri + " needs a step parameter");
            }
            parameters.clear();
            return new StandInEndpoint(uri, this);
        }
    }

    private static final class StandInEndpoint extends DefaultEndpoint {
        StandInEndpoint(String uri, StandIn component) {
            super(uri, component);
        }

        @Override
        public Producer createProducer() {
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    throw new IllegalStateException("a route check does not run routes");
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("producers only");
        }
    }
}
