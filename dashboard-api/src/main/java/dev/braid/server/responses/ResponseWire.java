package dev.braid.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import dev.braid.server.http.ApiProblem;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The Responses API's objects on the wire: the response ({@code object: "response"}) with its
 * output items (a {@code message} with {@code output_text}, a {@code function_call} per tool call)
 * and its usage ({@code input_tokens}, {@code output_tokens}, {@code total_tokens}, plus Braid's
 * {@code cost_usd}); ids {@code resp_…}, {@code msg_…}, {@code fc_…}.
 */
final class ResponseWire {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResponseWire() {}

    /** A fresh id: {@code prefix} and 48 random hex digits (unguessable: an id is all a GET needs besides the key). */
    static String newId(String prefix) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /**
     * A response object.
     *
     * @param status in_progress, completed, incomplete or failed
     * @param output the output items (empty while in progress)
     * @param usage null while in progress
     * @param error a failed response's error, else null
     */
    static ObjectNode response(String id, long createdAt, String model, ObjectNode echo, String status,
            ArrayNode output, Usage usage, String incompleteReason, ApiProblem error) {
        ObjectNode r = NODES.objectNode();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", status);
        if (error == null) {
            r.putNull("error");
        } else {
            r.putObject("error").put("code", errorCode(error)).put("message", error.message());
        }
        if (incompleteReason == null) {
            r.putNull("incomplete_details");
        } else {
            r.putObject("incomplete_details").put("reason", incompleteReason);
        }
        r.set("instructions", echo.get("instructions"));
        r.set("max_output_tokens", echo.get("max_output_tokens"));
        r.put("model", model);
        r.set("output", output);
        r.set("parallel_tool_calls", echo.get("parallel_tool_calls"));
        r.set("previous_response_id", echo.get("previous_response_id"));
        r.putObject("reasoning").putNull("effort").putNull("summary");
        r.set("store", echo.get("store"));
        r.set("temperature", echo.get("temperature"));
        r.set("text", echo.get("text"));
        r.set("tool_choice", echo.get("tool_choice"));
        r.set("tools", echo.get("tools"));
        r.set("top_p", echo.get("top_p"));
        r.put("truncation", "disabled");
        r.set("usage", usage == null ? NODES.nullNode() : usage(usage));
        r.putNull("user");
        r.set("metadata", echo.get("metadata"));
        return r;
    }

    /** The completed (or incomplete) response for {@code answer}, its output items made fresh. */
    static ObjectNode completed(String id, long createdAt, String model, ObjectNode echo, Answer answer) {
        ArrayNode output = NODES.arrayNode();
        if (!answer.text().isEmpty() || answer.toolCalls().isEmpty()) {
            output.add(message(newId("msg_"), answer.text(), "completed"));
        }
        for (ToolCall call : answer.toolCalls()) {
            output.add(functionCall(newId("fc_"), callId(call), call.name(), call.arguments(), "completed"));
        }
        String incomplete = incompleteReason(answer.finishReason());
        return response(id, createdAt, model, echo, incomplete == null ? "completed" : "incomplete", output,
                answer.usage(), incomplete, null);
    }

    /** Why an answer stopped short: {@code max_output_tokens}, {@code content_filter}, or null when it did not. */
    static String incompleteReason(String finishReason) {
        if ("length".equals(finishReason)) {
            return "max_output_tokens";
        }
        return "content_filter".equals(finishReason) ? "content_filter" : null;
    }

    static String callId(ToolCall call) {
        return call.id() == null || call.id().isEmpty() ? newId("call_") : call.id();
    }

    static ObjectNode message(String id, String text, String status) {
        ObjectNode m = NODES.objectNode();
        m.put("id", id);
        m.put("type", "message");
        m.put("status", status);
        m.put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return m;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        return NODES.objectNode()
                .put("id", id)
                .put("type", "function_call")
                .put("status", status)
                .put("call_id", callId)
                .put("name", name)
                .put("arguments", arguments);
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode u = NODES.objectNode();
        u.put("input_tokens", usage.promptTokens());
        u.putObject("input_tokens_details").put("cached_tokens", 0);
        u.put("output_tokens", usage.completionTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", 0);
        u.put("total_tokens", usage.totalTokens());
        u.put("cost_usd", usage.costUsd());
        return u;
    }

    /** OpenAI's error codes on a failed response: rate limits, a bad prompt, else a server error. */
    static String errorCode(ApiProblem problem) {
        if (problem.status() == 429) {
            return "rate_limit_exceeded";
        }
        if (problem.status() == 400 || problem.status() == 422) {
            return "invalid_prompt";
        }
        return "server_error";
    }

    /** The output items of a stored response (for the next turn of a chain). */
    static JsonNode outputOf(JsonNode response) {
        JsonNode output = response.get("output");
        return output == null ? NODES.arrayNode() : output;
    }
}
