package dev.braid.engine.runtime;

import dev.braid.components.guard.GuardComponent;
import dev.braid.components.mask.MaskComponent;
import dev.braid.components.model.camel.ModelComponent;
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
     */
    static Map<String, Component> create(RuntimeSettings settings, Executor continuation) {
        Map<String, Component> components = new LinkedHashMap<>();
        ModelComponent model = new ModelComponent();
        // the settings' providers join (or replace by name) the built-in mock and local ones
        model.setProviders(settings.providers());
        model.setCallbackExecutor(continuation);
        components.put(ModelComponent.SCHEME, model);
        components.put(MaskComponent.SCHEME, new MaskComponent());
        components.put(GuardComponent.SCHEME, new GuardComponent());
        return components;
    }
}
