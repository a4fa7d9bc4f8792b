package dev.braid.components.model.camel;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.step.StepIO;
import java.util.function.Consumer;
import org.apache.camel.Exchange;

/** A model step as the {@code model:} component sees it: routing plus request rendering. */
public interface ModelStepBinding extends StepIO<ModelRequest, ModelResponse> {

    RoutingPolicy routing();

    /** The step's response caching; null (the default) calls the provider every time. */
    default CachePolicy cache() {
        return null;
    }

    /**
     * Where this exchange wants the step's answer streamed, or null (the default) for a plain call.
     * When non-null, the producer streams the call ({@link ModelRouter#routeStream}) and hands every
     * delta to the sink, in order.
     */
    default Consumer<ModelDelta> deltaSink(Exchange exchange) {
        return null;
    }

    /**
     * The routed call failed ({@code error} is usually a {@link ModelException}). By default the
     * failure is the exchange's; a step that may go on without the model (a guard's classifier with
     * {@code onClassifierError: allow}) writes its own result instead.
     */
    default void failed(Exchange exchange, Throwable error) {
        exchange.setException(error);
    }
}
