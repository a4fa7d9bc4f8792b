package dev.braid.components.model;

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
}
