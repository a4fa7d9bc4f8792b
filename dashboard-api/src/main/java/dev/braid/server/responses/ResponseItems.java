package dev.braid.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Responses input items, in and out of the unified model. An {@code input} is a string (one user
 * message) or a list of items: messages ({@code type: "message"} or the short {@code {role, content}}
 * form; content a string or {@code input_text} / {@code input_image} / {@code output_text} parts),
 * {@code function_call} and {@code function_call_output}. {@link #normalize} checks them and writes
 * each in one long form (what is stored and what {@link #messages} reads); a {@code reasoning} item
 * is kept but not sent, since no provider Braid speaks to takes another model's reasoning back.
 */
final class ResponseItems {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");

    private ResponseItems() {}

    /** {@code input} as a list of items in their long form, or a 400 naming the item at fault. */
    static ArrayNode normalize(JsonNode input) {
        ArrayNode items = NODES.arrayNode();
        if (input == null || input.isNull()) {
            throw ResponsesRequest.invalid("input", "'input' is required: a string or an array of input items");
        }
        if (input.isTextual()) {
            items.add(message("user", textParts("input_text", input.asText())));
            return items;
        }
        if (!input.isArray()) {
            throw ResponsesRequest.invalid("input", "'input' must be a string or an array of input items");
        }
        for (int i = 0; i < input.size(); i++) {
            items.add(item(input.get(i), "input[" + i + "]"));
        }
        return items;
    }

    private static ObjectNode item(JsonNode item, String path) {
        if (item == null || !item.isObject()) {
            throw ResponsesRequest.invalid(path, "'" + path + "' must be an object");
        }
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> {
                JsonNode role = item.get("role");
                if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                    throw ResponsesRequest.invalid(path + ".role",
                            "'" + path + ".role' must be one of user, system, developer, assistant");
                }
                boolean assistant = "assistant".equals(role.asText());
                return message(role.asText(), content(item.get("content"), path + ".content", assistant));
            }
            case "function_call" -> {
                ObjectNode call = NODES.objectNode().put("type", "function_call");
                if (item.path("id").isTextual()) {
                    call.put("id", item.get("id").asText());
                }
                call.put("call_id", ResponsesRequest.requiredString(item, "call_id", path + ".call_id"));
                call.put("name", ResponsesRequest.requiredString(item, "name", path + ".name"));
                JsonNode args = item.get("arguments");
                if (args != null && !args.isNull() && !args.isTextual()) {
                    throw ResponsesRequest.invalid(path + ".arguments", "'" + path + ".arguments' must be a JSON string");
                }
                call.put("arguments", args == null || args.isNull() ? "" : args.asText());
                return call;
            }
            case "function_call_output" -> {
                ObjectNode out = NODES.objectNode().put("type", "function_call_output");
                out.put("call_id", ResponsesRequest.requiredString(item, "call_id", path + ".call_id"));
                JsonNode output = item.get("output");
                if (output != null && output.isTextual()) {
                    out.put("output", output.asText());
                } else if (output != null && output.isArray()) {
                    // the list form: text parts only (an image or file as a tool's output has no portable form)
                    StringBuilder text = new StringBuilder();
                    for (int i = 0; i < output.size(); i++) {
                        JsonNode part = output.get(i);
                        if (!"input_text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                            throw ResponsesRequest.unsupported(path + ".output[" + i + "]",
                                    "'" + path + ".output[" + i + "]' must be an input_text part: Braid passes a tool's output on as text");
                        }
                        text.append(part.get("text").asText());
                    }
                    out.put("output", text.toString());
                } else {
                    throw ResponsesRequest.invalid(path + ".output", "'" + path + ".output' must be a string");
                }
                return out;
            }
            case "reasoning" -> {
                return ((ObjectNode) item).deepCopy();
            }
            default -> throw ResponsesRequest.unsupported(path + ".type", "'" + path + ".type' "
                    + (type.isEmpty() ? "is required" : "'" + clip(type) + "' is not supported")
                    + ": Braid takes message, function_call and function_call_output items");
        }
    }

    private static ArrayNode content(JsonNode content, String path, boolean assistant) {
        if (content != null && content.isTextual()) {
            return textParts(assistant ? "output_text" : "input_text", content.asText());
        }
        if (content == null || !content.isArray()) {
            throw ResponsesRequest.invalid(path, "'" + path + "' must be a string or an array of content parts");
        }
        ArrayNode parts = NODES.arrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String p = path + "[" + i + "]";
            String type = part == null ? "" : part.path("type").asText("");
            switch (type) {
                case "input_text", "output_text", "refusal" -> {
                    String field = "refusal".equals(type) ? "refusal" : "text";
                    if (!part.path(field).isTextual()) {
                        throw ResponsesRequest.invalid(p + "." + field, "'" + p + "." + field + "' must be a string");
                    }
                    parts.addObject().put("type", type).put(field, part.get(field).asText());
                }
                case "input_image" -> {
                    JsonNode url = part.get("image_url");
                    if (url == null || !url.isTextual()) {
                        throw ResponsesRequest.unsupported(p + ".image_url", "'" + p
                                + ".image_url' must be a data: or https: URL (Braid has no file store for file_id)");
                    }
                    ObjectNode image = parts.addObject().put("type", "input_image").put("image_url", url.asText());
                    if (part.path("detail").isTextual()) {
                        image.put("detail", part.get("detail").asText());
                    }
                }
                default -> throw ResponsesRequest.unsupported(p + ".type", "'" + p + ".type' "
                        + (type.isEmpty() ? "is required" : "'" + clip(type) + "' is not supported")
                        + ": Braid takes input_text, input_image and output_text parts");
            }
        }
        return parts;
    }

    private static ObjectNode message(String role, ArrayNode content) {
        ObjectNode m = NODES.objectNode().put("type", "message").put("role", role);
        m.set("content", content);
        return m;
    }

    private static ArrayNode textParts(String type, String text) {
        ArrayNode parts = NODES.arrayNode();
        parts.addObject().put("type", type).put("text", text);
        return parts;
    }

    /**
     * The conversation as unified messages: {@code instructions} first as a system message, then
     * each item. Consecutive {@code function_call} items join the assistant message before them (one
     * assistant turn with its tool calls, as Chat Completions and Anthropic want them); a
     * {@code function_call_output} is a tool message; {@code developer} is read as {@code system}.
     */
    static List<Message> messages(String instructions, ArrayNode items) {
        List<Message> messages = new ArrayList<>();
        if (instructions != null && !instructions.isEmpty()) {
            messages.add(Message.system(instructions));
        }
        for (JsonNode item : items) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    String role = item.path("role").asText();
                    List<ContentPart> parts = new ArrayList<>();
                    for (JsonNode part : item.path("content")) {
                        switch (part.path("type").asText()) {
                            case "input_image" -> parts.add(new ContentPart.Image(part.path("image_url").asText()));
                            case "refusal" -> parts.add(new ContentPart.Text(part.path("refusal").asText()));
                            default -> parts.add(new ContentPart.Text(part.path("text").asText()));
                        }
                    }
                    messages.add(new Message("developer".equals(role) ? "system" : role, parts, null, null));
                }
                case "function_call" -> {
                    ToolCall call = new ToolCall(item.path("call_id").asText(), item.path("name").asText(),
                            item.path("arguments").asText());
                    Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
                    if (last != null && "assistant".equals(last.role())) {
                        List<ToolCall> calls = new ArrayList<>(last.toolCalls());
                        calls.add(call);
                        messages.set(messages.size() - 1, new Message("assistant", last.content(), calls, null));
                    } else {
                        messages.add(new Message("assistant", null, List.of(call), null));
                    }
                }
                case "function_call_output" -> messages.add(new Message("tool",
                        List.of(new ContentPart.Text(item.path("output").asText())), null, item.path("call_id").asText()));
                default -> {
                    // reasoning: kept in the conversation, not sent
                }
            }
        }
        return messages;
    }

    /**
     * The conversation in Chat Completions' message shape: what a {@code pipeline/<name>} model
     * gets as {@code input.messages}, the same as through {@code /v1/chat/completions}.
     */
    static List<Map<String, Object>> chatMessages(List<Message> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> chat = new LinkedHashMap<>();
            chat.put("role", m.role());
            boolean images = m.content().stream().anyMatch(p -> p instanceof ContentPart.Image);
            if (images) {
                List<Map<String, Object>> parts = new ArrayList<>();
                for (ContentPart p : m.content()) {
                    if (p instanceof ContentPart.Text t) {
                        parts.add(Map.of("type", "text", "text", t.text()));
                    } else if (p instanceof ContentPart.Image i) {
                        parts.add(Map.of("type", "image_url", "image_url", Map.of("url", i.url())));
                    }
                }
                chat.put("content", parts);
            } else {
                chat.put("content", m.content().isEmpty() && !m.toolCalls().isEmpty() ? null : m.text());
            }
            if (!m.toolCalls().isEmpty()) {
                List<Map<String, Object>> calls = new ArrayList<>();
                for (ToolCall c : m.toolCalls()) {
                    calls.add(Map.of("id", c.id(), "type", "function",
                            "function", Map.of("name", c.name(), "arguments", c.arguments())));
                }
                chat.put("tool_calls", calls);
            }
            if (m.toolCallId() != null) {
                chat.put("tool_call_id", m.toolCallId());
            }
            out.add(chat);
        }
        return out;
    }

    static String clip(String text) {
        String t = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        StringBuilder sb = new StringBuilder(t.length());
        t.codePoints().forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7F ? '?' : c));
        return sb.toString();
    }
}
