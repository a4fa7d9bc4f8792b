package dev.braid.server.responses;

import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import dev.braid.server.calls.PipelineAnswers;
import java.util.List;

/**
 * What a model or a {@code pipeline/<name>} answered, as the Responses door renders it.
 *
 * @param answeredBy the {@code provider/model} that answered, or {@code pipeline/<name>}
 * @param finishReason stop, length, tool_calls or content_filter
 * @param cached whether the response cache answered
 */
record Answer(String text, List<ToolCall> toolCalls, String finishReason, Usage usage, String answeredBy,
        boolean cached) {

    Answer {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        usage = usage == null ? Usage.ZERO : usage;
    }

    static Answer of(ModelResponse r) {
        return new Answer(r.text(), r.toolCalls(), r.finishReason(), r.usage(), r.provider() + "/" + r.model(),
                PipelineAnswers.cached(r));
    }
}
