package dev.braid.components.model.camel;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.step.StepBindings;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Sends one exchange through the {@link ModelRouter} without blocking: the callback completes when the
 * routed call does, on whichever thread finished it. A failure before routing completes the exchange
 * synchronously ({@code done(true)}); after that, {@code done(false)} is called exactly once. Model
 * failures are set on the exchange as the {@link ModelException} itself.
 */
public class ModelProducer extends DefaultAsyncProducer {

    private final ModelEndpoint endpoint;

    public ModelProducer(ModelEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ModelStepBinding binding = null;
        ModelRequest request;
        RoutingPolicy policy;
        CachePolicy cachePolicy;
        try {
            if (endpoint.getStep() != null) {
                binding = binding(exchange);
                request = binding.read(exchange);
                policy = binding.routing();
                cachePolicy = binding.cache();
            } else {
                request = requestFromBody(exchange.getMessage().getBody());
                policy = endpoint.policy();
                cachePolicy = endpoint.cachePolicy();
            }
            if (request == null || request.task() != endpoint.getTask()) {
                throw new IllegalArgumentException("model:" + endpoint.getTask().uriName() + " got a "
                        + (request == null ? "null" : request.task().uriName()) + " request");
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        ModelStepBinding writer = binding;
        BiConsumer<ModelResponse, Throwable> complete = (response, error) -> {
            try {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause()
                            : error;
                    if (writer != null) {
                        writer.failed(exchange, cause);
                    } else {
                        exchange.setException(cause);
                    }
                } else {
                    setHeaders(exchange.getMessage(), response);
                    if (writer != null) {
                        writer.write(exchange, response);
                    } else {
                        exchange.getMessage().setBody(response);
                    }
                }
            } catch (RuntimeException e) {
                exchange.setException(e);
            } finally {
                callback.done(false);
            }
        };
        java.util.function.Consumer<ModelDelta> sink = binding == null ? null : binding.deltaSink(exchange);
        CompletionStage<ModelResponse> call = sink == null
                ? endpoint.getComponent().getRouter().route(request, policy, cachePolicy)
                : endpoint.getComponent().getRouter().routeStream(request, policy, sink);
        Executor executor = endpoint.getComponent().getCallbackExecutor();
        if (executor == null) {
            call.whenComplete(complete);
        } else {
            call.whenComplete((response, error) -> {
                try {
                    executor.execute(() -> complete.accept(response, error));
                } catch (RejectedExecutionException e) {
                    complete.accept(response, error); // a stopped executor must not strand the exchange
                }
            });
        }
        return false;
    }

    private ModelStepBinding binding(Exchange exchange) {
        StepBindings bindings = exchange.getContext().getRegistry()
                .lookupByNameAndType(StepBindings.BEAN_NAME, StepBindings.class);
        if (bindings == null) {
            throw new IllegalStateException("no step bindings registered as '" + StepBindings.BEAN_NAME + "'");
        }
        return bindings.lookup(endpoint.getStep(), ModelStepBinding.class);
    }

    private ModelRequest requestFromBody(Object body) {
        if (body instanceof ModelRequest r) {
            return r;
        }
        if (body instanceof CharSequence text) {
            ModelTask task = endpoint.getTask();
            return switch (task) {
                case CHAT -> ModelRequest.chat(List.of(dev.braid.components.model.api.Message.user(text.toString())));
                case SENTIMENT, EMBEDDINGS, MODERATION -> ModelRequest.ofInputs(task, List.of(text.toString()));
                case VISION -> throw new IllegalArgumentException(
                        "model:vision needs a ModelRequest body with an image part, not a String");
            };
        }
        throw new IllegalArgumentException("model:" + endpoint.getTask().uriName()
                + " expects a ModelRequest or String body, got "
                + (body == null ? "null" : body.getClass().getSimpleName()));
    }

    private static void setHeaders(Message message, ModelResponse response) {
        Usage usage = response.usage();
        message.setHeader(ModelHeaders.PROVIDER, response.provider());
        message.setHeader(ModelHeaders.MODEL, response.model());
        message.setHeader(ModelHeaders.USAGE, usage);
        message.setHeader(ModelHeaders.PROMPT_TOKENS, usage.promptTokens());
        message.setHeader(ModelHeaders.COMPLETION_TOKENS, usage.completionTokens());
        message.setHeader(ModelHeaders.TOTAL_TOKENS, usage.totalTokens());
        message.setHeader(ModelHeaders.COST_USD, usage.costUsd());
        message.setHeader(ModelHeaders.LATENCY_MS, response.latencyMs());
        if (response.finishReason() != null) {
            message.setHeader(ModelHeaders.FINISH_REASON, response.finishReason());
        }
        message.setHeader(ModelHeaders.CACHED, Boolean.TRUE.equals(response.fields().get(ModelRouter.CACHED_FIELD)));
    }
}
