package dev.braid.components.model;

import dev.braid.components.step.StepIO;

/** A model step as the {@code model:} component sees it: routing plus request rendering. */
public interface ModelStepBinding extends StepIO<ModelRequest, ModelResponse> {

    RoutingPolicy routing();

    /** The step's response caching; null (the default) calls the provider every time. */
    default CachePolicy cache() {
        return null;
    }
}
