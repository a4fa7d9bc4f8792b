package dev.braid.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Anthropic's Messages JSON, field for field: the message object, the stream's events, the error object. */
final class MessagesWire {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final ObjectMapper json;
    private final String id;
    private final String model;

    /** @param model the model name as the caller sent it */
    MessagesWire(ObjectMapper json, String model) {
        this.json = json;
        this.id = "msg_" + random(24);
        this.model = model;
    }

    static String random(int length) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(BASE62.charAt(r.nextInt(BASE62.length())));
        }
        return sb.toString();
    }

    /** OpenAI's finish reasons in Anthropic's words. */
    static String stopReason(String finish, boolean calledTools) {
        if (calledTools || "tool_calls".equals(finish)) {
            return "tool_use";
        }
        if ("length".equals(finish)) {
            return "max_tokens";
        }
        if ("content_filter".equals(finish)) {
            return "refusal";
        }
        return "end_turn";
    }

    /** The whole answer: text first, then one {@code tool_use} block per call. */
    ObjectNode message(String text, List<ToolCall> calls, String finish, Usage usage) {
        ObjectNode root = head();
        ArrayNode content = root.putArray("content");
        if (text != null && (!text.isEmpty() || calls.isEmpty())) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (ToolCall c : calls) {
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", toolUseId(c)).put("name", c.name());
            use.set("input", input(c.arguments()));
        }
        root.put("stop_reason", stopReason(finish, !calls.isEmpty()));
        root.putNull("stop_sequence");
        ObjectNode u = root.putObject("usage");
        Usage x = usage == null ? Usage.ZERO : usage;
        u.put("input_tokens", x.promptTokens());
        u.put("output_tokens", x.completionTokens());
        return root;
    }

    /** The {@code message_start} event: the message with no content yet. */
    ObjectNode messageStart() {
        ObjectNode root = json.createObjectNode().put("type", "message_start");
        ObjectNode m = head();
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        root.set("message", m);
        return root;
    }

    ObjectNode textBlockStart(int index) {
        ObjectNode root = json.createObjectNode().put("type", "content_block_start").put("index", index);
        root.putObject("content_block").put("type", "text").put("text", "");
        return root;
    }

    ObjectNode toolBlockStart(int index, String id, String name) {
        ObjectNode root = json.createObjectNode().put("type", "content_block_start").put("index", index);
        root.putObject("content_block").put("type", "tool_use").put("id", id).put("name", name).putObject("input");
        return root;
    }

    ObjectNode textDelta(int index, String text) {
        ObjectNode root = json.createObjectNode().put("type", "content_block_delta").put("index", index);
        root.putObject("delta").put("type", "text_delta").put("text", text);
        return root;
    }

    ObjectNode jsonDelta(int index, String partial) {
        ObjectNode root = json.createObjectNode().put("type", "content_block_delta").put("index", index);
        root.putObject("delta").put("type", "input_json_delta").put("partial_json", partial);
        return root;
    }

    ObjectNode blockStop(int index) {
        return json.createObjectNode().put("type", "content_block_stop").put("index", index);
    }

    /** {@code message_delta}: the stop reason and the usage, with Braid's {@code cost_usd}. */
    ObjectNode messageDelta(String stopReason, Usage usage) {
        ObjectNode root = json.createObjectNode().put("type", "message_delta");
        root.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        Usage x = usage == null ? Usage.ZERO : usage;
        root.putObject("usage").put("input_tokens", x.promptTokens()).put("output_tokens", x.completionTokens())
                .put("cost_usd", x.costUsd());
        return root;
    }

    ObjectNode messageStop() {
        return json.createObjectNode().put("type", "message_stop");
    }

    /** Anthropic's error object: {@code {"type":"error","error":{"type","message"}}}. */
    static ObjectNode error(ObjectMapper json, String type, String message) {
        ObjectNode root = json.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        return root;
    }

    /** Anthropic's error type for an HTTP status. */
    static String errorType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    private ObjectNode head() {
        ObjectNode root = json.createObjectNode();
        root.put("id", id);
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", model);
        return root;
    }

    /** The call's id, or one made up when the provider gave none (Anthropic's clients need an id to answer). */
    static String toolUseId(ToolCall c) {
        return c.id() != null && !c.id().isEmpty() ? c.id() : "toolu_" + random(24);
    }

    /** Tool arguments as the JSON object {@code input} must be; arguments that are no object are wrapped. */
    private JsonNode input(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode n = json.readTree(arguments);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (Exception notJson) {
            // the model produced broken JSON: hand it over as text rather than fail the answer
        }
        return json.createObjectNode().put("_arguments", arguments);
    }
}
