package dev.braid.components.model.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unified answer of a model call.
 *
 * @param provider the provider that answered (after routing and fallback)
 * @param model the model that answered
 * @param text the assistant text (chat, vision); null for other tasks
 * @param toolCalls tool calls the model asked for
 * @param finishReason stop, length, tool_calls or content_filter (OpenAI's vocabulary)
 * @param fields task-specific results: {@code label} and {@code score} for sentiment,
 *     {@code embeddings} for embeddings, {@code flagged} and {@code categories} for moderation
 * @param usage tokens and cost of this call
 * @param latencyMs wall time of the call, including retries and fallbacks
 */
public record ModelResponse(
        String provider,
        String model,
        String text,
        List<ToolCall> toolCalls,
        String finishReason,
        Map<String, Object> fields,
        Usage usage,
        long latencyMs) {

    /** The {@code fields} key of a chat answer's token log probabilities (OpenAI's {@code logprobs} object). */
    public static final String LOGPROBS_FIELD = "logprobs";

    public ModelResponse {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        usage = usage == null ? Usage.ZERO : usage;
    }

    public ModelResponse withLatency(long ms) {
        return new ModelResponse(provider, model, text, toolCalls, finishReason, fields, usage, ms);
    }

    /**
     * The step output a pipeline sees as {@code steps.<id>}: {@code text} (when present), every
     * task field, and {@code model} as {@code provider/model}.
     */
    public Map<String, Object> toOutput() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (text != null) {
            out.put("text", text);
        }
        out.putAll(fields);
        if (!toolCalls.isEmpty()) {
            out.put("toolCalls", toolCalls.stream()
                    .map(c -> Map.of("id", c.id(), "name", c.name(), "arguments", c.arguments()))
                    .toList());
        }
        if (finishReason != null) {
            out.put("finishReason", finishReason);
        }
        out.put("model", provider + "/" + model);
        return out;
    }
}
