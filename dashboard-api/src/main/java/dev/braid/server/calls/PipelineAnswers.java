package dev.braid.server.calls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.runtime.InvocationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How every door reads a {@code pipeline/<name>} answer as a model answer: its text (the output's
 * {@code text}, a string output as is, else the output as JSON) and its tool calls, so a chat-shaped
 * pipeline (one whose last step is a model step offered {@code tools}) may answer with calls. Tool calls
 * are the output's {@code toolCalls} ({@code [{id, name, arguments}]}, what a model step writes) or
 * OpenAI's {@code tool_calls} ({@code [{id, function: {name, arguments}}]}).
 */
public final class PipelineAnswers {

    private PipelineAnswers() {}

    /** The assistant text of a pipeline answer. */
    public static String text(InvocationResult result, ObjectMapper json) {
        Object output = result.output();
        if (output instanceof Map<?, ?> map && map.get("text") instanceof String text) {
            return text;
        }
        if (output instanceof String text) {
            return text;
        }
        try {
            return output == null ? "" : json.writeValueAsString(output);
        } catch (JsonProcessingException e) {
            return String.valueOf(output);
        }
    }

    /** The output's {@code text} when it is a string, else null (an answer that only calls tools). */
    public static String textOrNull(InvocationResult result) {
        return result.output() instanceof Map<?, ?> map && map.get("text") instanceof String text ? text : null;
    }

    /** The tool calls a pipeline answered with; empty for none. */
    public static List<ToolCall> toolCalls(InvocationResult result) {
        if (!(result.output() instanceof Map<?, ?> map)) {
            return List.of();
        }
        Object calls = map.get("toolCalls") != null ? map.get("toolCalls") : map.get("tool_calls");
        if (!(calls instanceof List<?> list)) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> call)) {
                continue;
            }
            Object fn = call.get("function") instanceof Map<?, ?> f ? f : call;
            Map<?, ?> function = (Map<?, ?>) fn;
            if (function.get("name") instanceof String name) {
                Object args = function.get("arguments");
                out.add(new ToolCall(call.get("id") instanceof String id ? id : "call_" + out.size(), name,
                        args instanceof String s ? s : args == null ? "{}" : String.valueOf(args)));
            }
        }
        return out;
    }

    /** Whether a routed answer came from the response cache. */
    public static boolean cached(ModelResponse response) {
        return Boolean.TRUE.equals(response.fields().get(ModelRouter.CACHED_FIELD));
    }

    /** Whether every model step of a pipeline answer came from the cache (and it had at least one). */
    public static boolean cached(InvocationResult result) {
        boolean any = false;
        for (StepResult step : result.steps() == null ? List.<StepResult>of() : result.steps()) {
            if (step.model() != null) {
                if (!step.cached()) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }
}
