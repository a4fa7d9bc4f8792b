package dev.braid.components.model.openai;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.http.HttpLimits;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.ProviderHttp;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI Chat Completions ({@code /chat/completions}, streaming with usage), {@code /embeddings}
 * and {@code /moderations}; with another {@code baseUrl} and {@code name}, any OpenAI-compatible
 * server. Sentiment is chat with a {@code json_schema} response format.
 */
public final class OpenAiProvider extends HttpProvider {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiProvider.class);

    private final OpenAiEndpoints endpoints;
    private final boolean reasoningParameters;
    /**
     * Whether streams ask for usage with {@code stream_options}. OpenAI needs it to report a stream's
     * usage at all, but some compatible servers refuse the field with a 400; such a server is asked
     * once more without it, and from then on never with it (its streams' usage is then estimated).
     */
    private volatile boolean streamOptions = true;

    public OpenAiProvider(OpenAiSettings settings) {
        this(settings.name(), OpenAiEndpoints.of(settings), settings.limits(), settings.apiKey(),
                settings.reasoningParameters());
    }

    /**
     * For other deployments of the OpenAI wire format (Azure OpenAI).
     *
     * @param reasoningParameters see {@link OpenAiSettings#reasoningParameters()}
     */
    public OpenAiProvider(String name, OpenAiEndpoints endpoints, HttpLimits limits, String secret,
            boolean reasoningParameters) {
        super(name, new ProviderHttp(name, limits, secret == null ? List.of() : List.of(secret)));
        this.endpoints = endpoints;
        this.reasoningParameters = reasoningParameters;
    }

    @Override
    protected CompletableFuture<ModelResponse> chat(ModelRequest request, Target target) {
        String model = target.model();
        return http.map(http.postJson(endpoints.uri("chat/completions", model), endpoints.headers(),
                        OpenAiWire.chatBody(request, model, false, reasoningParameters), http.limits().forTarget(target), model),
                root -> OpenAiWire.chatResponse(root, request, name, model));
    }

    @Override
    protected CompletableFuture<ModelResponse> streamChat(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
        boolean withOptions = streamOptions;
        CompletableFuture<ModelResponse> first = stream(request, target, sink, withOptions);
        if (!withOptions) {
            return first;
        }
        // the router cancels what it is given to abort the HTTP call: the answer passes cancelling on
        AtomicReference<CompletableFuture<ModelResponse>> inFlight = new AtomicReference<>(first);
        CompletableFuture<ModelResponse> answer = new CompletableFuture<>();
        first.whenComplete((response, error) -> {
            if (error == null) {
                answer.complete(response);
            } else if (!refusesStreamOptions(error) || answer.isDone()) {
                answer.completeExceptionally(error);
            } else {
                streamOptions = false;
                LOG.warn("provider '{}' refuses stream_options: its streams are sent without it from now on, "
                        + "and their usage is estimated", name);
                CompletableFuture<ModelResponse> second = stream(request, target, sink, false);
                inFlight.set(second);
                second.whenComplete((r, e) -> {
                    if (e == null) {
                        answer.complete(r);
                    } else {
                        answer.completeExceptionally(e);
                    }
                });
            }
        });
        answer.whenComplete((response, error) -> {
            if (answer.isCancelled()) {
                inFlight.get().cancel(true);
            }
        });
        return answer;
    }

    private CompletableFuture<ModelResponse> stream(
            ModelRequest request, Target target, Consumer<ModelDelta> sink, boolean withOptions) {
        String model = target.model();
        return http.map(http.postStream(endpoints.uri("chat/completions", model), endpoints.headers(),
                OpenAiWire.chatBody(request, model, true, reasoningParameters, withOptions),
                http.limits().forTarget(target), model,
                new OpenAiStreamDecoder(name, model, request, sink, http.secrets())), r -> r);
    }

    /** A 400/422 naming {@code stream_options}: the request was refused before any byte was streamed. */
    private static boolean refusesStreamOptions(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return e instanceof ModelException.ProviderError pe
                && (pe.upstreamStatus() == 400 || pe.upstreamStatus() == 422)
                && pe.getMessage() != null && pe.getMessage().contains("stream_options");
    }

    @Override
    protected CompletableFuture<ModelResponse> embeddings(ModelRequest request, Target target) {
        if (!endpoints.serves(ModelTask.EMBEDDINGS)) {
            return unsupported(ModelTask.EMBEDDINGS, target);
        }
        String model = target.model();
        List<String> inputs = request.tokenInputs().isEmpty() ? inputs(request)
                : request.tokenInputs().stream().map(t -> "").toList(); // one slot per token list
        return http.map(http.postJson(endpoints.uri("embeddings", model), endpoints.headers(),
                        OpenAiWire.embeddingsBody(request, inputs, model), http.limits().forTarget(target), model),
                root -> OpenAiWire.embeddingsResponse(root, request, inputs, name, model));
    }

    @Override
    protected CompletableFuture<ModelResponse> moderation(ModelRequest request, Target target) {
        if (!endpoints.serves(ModelTask.MODERATION)) {
            return unsupported(ModelTask.MODERATION, target);
        }
        String model = target.model();
        return http.map(http.postJson(endpoints.uri("moderations", model), endpoints.headers(),
                        OpenAiWire.inputsBody(inputs(request), model), http.limits().forTarget(target), model),
                root -> OpenAiWire.moderationResponse(root, request, name, model));
    }
}
