package dev.braid.engine.runtime;

import dev.braid.components.guard.GuardComponent;
import dev.braid.components.mask.MaskComponent;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.model.gateway.ModelGateway;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.camel.Component;

/** The components every Braid CamelContext has besides {@code braid:} and {@code direct:}. */
final class StandardComponents {

    private StandardComponents() {}

    /**
     * @param continuation where a route continues after a model call, so later steps (JSONata,
     *     integrator processors) never hold the model scheduler's few threads
     * @param ownsModels whether stopping the CamelContext closes the gateway (one the runtime built)
     */
    static Map<String, Component> create(ModelGateway models, boolean ownsModels, Executor continuation) {
        Map<String, Component> components = new LinkedHashMap<>();
        ModelComponent model = ownsModels ? ModelComponent.owning(models) : new ModelComponent(models);
        model.setCallbackExecutor(continuation);
        components.put(ModelComponent.SCHEME, model);
        components.put(MaskComponent.SCHEME, new MaskComponent());
        components.put(GuardComponent.SCHEME, new GuardComponent());
        return components;
    }
}
