package dev.braid.components.model.http;

import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.components.tokens.TokenCounter;
import dev.braid.components.model.api.GenerationOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What every HTTP provider adapter shares: the task dispatch (chat and vision to the provider's
 * chat API, sentiment as chat with a JSON-schema answer, embeddings and moderation where the
 * provider has them), a typed "not served" for the rest, and usage estimation.
 */
public abstract class HttpProvider implements ModelProvider {

    protected final String name;
    protected final ProviderHttp http;

    protected HttpProvider(String name, ProviderHttp http) {
        this.name = name;
        this.http = http;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public boolean supportsStreaming() {
        return true;
    }

    @Override
    public final CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
        try {
            return switch (request.task()) {
                case CHAT, VISION -> chat(request, target);
                case SENTIMENT -> LlmSentiment.classify(request, r -> chat(r, target), name, target.model());
                case EMBEDDINGS -> embeddings(request, target);
                case MODERATION -> moderation(request, target);
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(asModelException(e));
        }
    }

    @Override
    public final CompletionStage<ModelResponse> stream(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
        if (request.task() != ModelTask.CHAT && request.task() != ModelTask.VISION) {
            return ModelProvider.super.stream(request, target, sink);
        }
        try {
            return streamChat(request, target, sink);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(asModelException(e));
        }
    }

    protected abstract CompletableFuture<ModelResponse> chat(ModelRequest request, Target target);

    protected abstract CompletableFuture<ModelResponse> streamChat(
            ModelRequest request, Target target, Consumer<ModelDelta> sink);

    protected CompletableFuture<ModelResponse> embeddings(ModelRequest request, Target target) {
        return unsupported(ModelTask.EMBEDDINGS, target);
    }

    protected CompletableFuture<ModelResponse> moderation(ModelRequest request, Target target) {
        return unsupported(ModelTask.MODERATION, target);
    }

    protected final <T> CompletableFuture<T> unsupported(ModelTask task, Target target) {
        return CompletableFuture.failedFuture(new ModelException.ModelNotFound(
                "provider '" + name + "' does not serve " + task.uriName() + " (model '" + target.model() + "')"));
    }

    /**
     * Refuses the first {@link GenerationOptions#advancedSet() advanced option} of {@code request}
     * that is not in {@code honoured} (the Chat Completions names this adapter sends or translates):
     * 400 {@code unsupported_parameter} naming it, instead of an answer that silently ignored it.
     */
    protected final void refuseUnsupported(ModelRequest request, Set<String> honoured) {
        for (String option : request.options().advancedSet()) {
            if (!honoured.contains(option)) {
                throw ModelException.UnsupportedParameter.of(option, name);
            }
        }
        if (!honoured.contains("strict")) {
            for (var tool : request.tools()) {
                if (Boolean.TRUE.equals(tool.strict())) {
                    throw ModelException.UnsupportedParameter.of("strict", name);
                }
            }
        }
    }

    private ModelException asModelException(RuntimeException e) {
        if (e instanceof ModelException me) {
            return me;
        }
        // a request this provider cannot express (an https image for Ollama, bad tool arguments …)
        return new ModelException.ProviderError(name, 400,
                "provider '" + name + "' cannot take this request: " + e.getMessage(), null);
    }

    /** Texts of the request's messages and inputs, the tokenizer's view of the prompt. */
    public static String promptText(ModelRequest request) {
        StringBuilder sb = new StringBuilder();
        for (Message m : request.messages()) {
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text t) {
                    sb.append(t.text()).append('\n');
                }
            }
        }
        request.inputs().forEach(i -> sb.append(i).append('\n'));
        return sb.toString();
    }

    /**
     * The provider's counts when it reported them, else estimated with {@link TokenCounter} and
     * marked {@code estimated}. A negative count means "not reported".
     */
    public static Usage usage(long prompt, long completion, ModelRequest request, String completionText, String model) {
        if (prompt >= 0 && completion >= 0) {
            return Usage.of(prompt, completion, 0.0, false);
        }
        TokenCounter counter = TokenCounter.forModel(model);
        long p = prompt >= 0 ? prompt : counter.count(promptText(request));
        long c = completion >= 0 ? completion : counter.count(completionText);
        return Usage.of(p, c, 0.0, true);
    }

    /** The texts an embeddings or moderation request is about: its inputs, else its last user message. */
    protected static List<String> inputs(ModelRequest request) {
        if (!request.inputs().isEmpty()) {
            return request.inputs();
        }
        String last = request.lastUserText();
        return last.isEmpty() ? List.of() : List.of(last);
    }

    /** The non-system messages, for providers that take the system prompt apart. */
    public static List<Message> withoutSystem(ModelRequest request) {
        return request.messages().stream().filter(m -> !"system".equals(m.role())).toList();
    }

    /** The system messages' text joined by blank lines, or null. */
    public static String systemText(ModelRequest request) {
        List<String> parts = request.messages().stream().filter(m -> "system".equals(m.role()))
                .map(Message::text).filter(t -> !t.isEmpty()).toList();
        return parts.isEmpty() ? null : String.join("\n\n", parts);
    }
}
