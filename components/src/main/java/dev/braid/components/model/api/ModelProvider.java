package dev.braid.components.model.api;

import java.util.concurrent.CompletionStage;

/**
 * A provider adapter. Implementations never block the calling thread: the returned stage
 * completes on an I/O or scheduler thread. Failures complete the stage exceptionally with a
 * {@link ModelException}.
 */
public interface ModelProvider {

    /** The name targets use ({@code mock}, {@code local}, {@code openai}, …). */
    String name();

    CompletionStage<ModelResponse> call(ModelRequest request, Target target);

    /** Whether {@link #stream} streams for real (otherwise it answers in one delta). */
    default boolean supportsStreaming() {
        return false;
    }

    /**
     * Streams an answer: {@code sink} receives deltas in order on an I/O thread; the returned stage
     * completes with the whole response (text, tool calls, finish reason and usage) after the last
     * delta, or exceptionally with a {@link ModelException} (also when the provider reports an error
     * mid-stream). The default answers with {@link #call} and emits the text as one delta.
     */
    default CompletionStage<ModelResponse> stream(
            ModelRequest request, Target target, java.util.function.Consumer<ModelDelta> sink) {
        return call(request, target).thenApply(response -> {
            if (response.text() != null && !response.text().isEmpty()) {
                sink.accept(new ModelDelta.Text(response.text()));
            }
            if (response.finishReason() != null) {
                sink.accept(new ModelDelta.Finish(response.finishReason()));
            }
            return response;
        });
    }
}
