package dev.braid.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.api.ToolDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code POST /v1/messages} body read into the unified request: {@code system} (a string or text
 * blocks) as a system message first; user turns' {@code tool_result} blocks as tool messages (in
 * order, before the turn's other blocks); assistant {@code tool_use} blocks as tool calls; images
 * (base64 or url sources) as image parts; {@code tools} as functions ({@code input_schema} →
 * parameters); {@code tool_choice} auto / any / tool / none (with {@code disable_parallel_tool_use}
 * as {@code parallel_tool_calls: false}); {@code metadata.user_id} as the end user; {@code top_k}
 * and fields Braid does not model as extras, which a target that cannot take them refuses by name.
 * Thinking blocks in the history are the model's own and are not sent back.
 */
record MessagesRequest(String model, boolean stream, ModelRequest request) {

    private static final Set<String> MODELLED = Set.of("model", "messages", "system", "max_tokens", "stop_sequences",
            "temperature", "top_p", "stream", "tools", "tool_choice", "metadata");

    static MessagesRequest read(JsonNode body, ObjectMapper json, boolean countOnly) {
        if (body == null || !body.isObject()) {
            throw new MessagesInvalid("the request body must be a JSON object");
        }
        JsonNode modelNode = body.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank()) {
            throw new MessagesInvalid("model: Field required");
        }
        String model = modelNode.asText();
        Integer maxTokens = null;
        JsonNode mt = body.get("max_tokens");
        if (mt == null || mt.isNull()) {
            if (!countOnly) {
                throw new MessagesInvalid("max_tokens: Field required");
            }
        } else if (!mt.isIntegralNumber() || mt.asLong() < 1 || mt.asLong() > Integer.MAX_VALUE) {
            throw new MessagesInvalid("max_tokens: must be a positive integer");
        } else {
            maxTokens = mt.asInt();
        }
        List<Message> messages = new ArrayList<>();
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) {
            String text = system.isTextual() ? system.asText() : blocksText(system, "system");
            messages.add(Message.system(text));
        }
        JsonNode ms = body.get("messages");
        if (ms == null || !ms.isArray() || ms.isEmpty()) {
            throw new MessagesInvalid("messages: must be a non-empty array");
        }
        for (int i = 0; i < ms.size(); i++) {
            read(ms.get(i), "messages." + i, messages);
        }
        List<ToolDefinition> tools = tools(body.get("tools"), json);
        GenerationOptions.Builder options = GenerationOptions.builder()
                .maxTokens(maxTokens)
                .temperature(number(body, "temperature"))
                .topP(number(body, "top_p"))
                .stop(stops(body.get("stop_sequences")));
        toolChoice(body.get("tool_choice"), options);
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw new MessagesInvalid("metadata: must be an object");
            }
            JsonNode user = metadata.get("user_id");
            if (user != null && !user.isNull()) {
                if (!user.isTextual()) {
                    throw new MessagesInvalid("metadata.user_id: must be a string");
                }
                options.user(user.asText());
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!MODELLED.contains(e.getKey()) && !e.getValue().isNull()) {
                extra.put(e.getKey(), json.convertValue(e.getValue(), Object.class));
            }
        }
        // a disabled thinking block asks for what every model does by default
        if (extra.get("thinking") instanceof Map<?, ?> thinking && "disabled".equals(thinking.get("type"))) {
            extra.remove("thinking");
        }
        options.extra(extra);
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new MessagesInvalid("stream: must be a boolean");
        }
        return new MessagesRequest(model, stream != null && stream.asBoolean(false),
                new ModelRequest(ModelTask.CHAT, messages, null, tools, options.build()));
    }

    private static void read(JsonNode m, String path, List<Message> out) {
        if (m == null || !m.isObject()) {
            throw new MessagesInvalid(path + ": must be an object with role and content");
        }
        String role = m.path("role").asText("");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw new MessagesInvalid(path + ".role: must be \"user\" or \"assistant\"");
        }
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            out.add(new Message(role, List.of(new ContentPart.Text(content.asText())), null, null));
            return;
        }
        if (content == null || !content.isArray()) {
            throw new MessagesInvalid(path + ".content: must be a string or an array of content blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String at = path + ".content." + i;
            String type = block == null ? "" : block.path("type").asText("");
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(text(block, at)));
                case "image" -> {
                    if (!"user".equals(role)) {
                        throw new MessagesInvalid(at + ": images are user content");
                    }
                    parts.add(new ContentPart.Image(imageUrl(block.get("source"), at)));
                }
                case "tool_use" -> {
                    if (!"assistant".equals(role)) {
                        throw new MessagesInvalid(at + ": tool_use blocks are assistant content");
                    }
                    String id = block.path("id").asText(null);
                    String name = block.path("name").asText(null);
                    if (id == null || name == null) {
                        throw new MessagesInvalid(at + ": a tool_use block needs id and name");
                    }
                    JsonNode input = block.get("input");
                    calls.add(new ToolCall(id, name, input == null || input.isNull() ? "{}" : input.toString()));
                }
                case "tool_result" -> {
                    if (!"user".equals(role)) {
                        throw new MessagesInvalid(at + ": tool_result blocks are user content");
                    }
                    String id = block.path("tool_use_id").asText(null);
                    if (id == null) {
                        throw new MessagesInvalid(at + ".tool_use_id: Field required");
                    }
                    JsonNode c = block.get("content");
                    String result = c == null || c.isNull() ? "" : c.isTextual() ? c.asText() : blocksText(c, at + ".content");
                    if (block.path("is_error").asBoolean(false)) {
                        result = "Error: " + result;
                    }
                    // a turn's tool results answer the previous assistant turn: they go first
                    out.add(new Message("tool", List.of(new ContentPart.Text(result)), null, id));
                }
                case "thinking", "redacted_thinking" -> {
                    // the model's own earlier reasoning: not part of what is asked
                }
                default -> throw new MessagesInvalid(at + ".type: '" + type + "' is not a content block Braid takes "
                        + "(text, image, tool_use, tool_result)");
            }
        }
        if (!parts.isEmpty() || !calls.isEmpty()) {
            out.add(new Message(role, parts, calls, null));
        }
    }

    private static String text(JsonNode block, String at) {
        JsonNode t = block.get("text");
        if (t == null || !t.isTextual()) {
            throw new MessagesInvalid(at + ".text: Field required");
        }
        return t.asText();
    }

    /** Text blocks joined (system prompts and tool results given as blocks); images in a tool result are refused. */
    private static String blocksText(JsonNode blocks, String path) {
        if (!blocks.isArray()) {
            throw new MessagesInvalid(path + ": must be a string or an array of text blocks");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            if (!"text".equals(b.path("type").asText())) {
                throw new MessagesInvalid(path + "." + i + ": only text blocks are taken here");
            }
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(text(b, path + "." + i));
        }
        return sb.toString();
    }

    private static String imageUrl(JsonNode source, String at) {
        if (source == null || !source.isObject()) {
            throw new MessagesInvalid(at + ".source: Field required");
        }
        String type = source.path("type").asText("");
        if ("base64".equals(type) && source.path("media_type").isTextual() && source.path("data").isTextual()) {
            return "data:" + source.get("media_type").asText() + ";base64," + source.get("data").asText();
        }
        if ("url".equals(type) && source.path("url").isTextual()) {
            return source.get("url").asText();
        }
        throw new MessagesInvalid(at + ".source: must be {type: base64, media_type, data} or {type: url, url}");
    }

    @SuppressWarnings("unchecked")
    private static List<ToolDefinition> tools(JsonNode node, ObjectMapper json) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new MessagesInvalid("tools: must be an array");
        }
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            String type = t.path("type").asText("custom");
            if (!"custom".equals(type)) {
                // server tools (web search, code execution …) run at Anthropic: no other target has them
                throw new MessagesInvalid("tools." + i + ".type: '" + type + "' is a server tool Braid does not run; "
                        + "only custom tools (name, description, input_schema) are taken");
            }
            JsonNode name = t.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw new MessagesInvalid("tools." + i + ".name: Field required");
            }
            JsonNode schema = t.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw new MessagesInvalid("tools." + i + ".input_schema: Field required");
            }
            tools.add(new ToolDefinition(name.asText(), t.path("description").asText(null),
                    json.convertValue(schema, Map.class)));
        }
        return tools;
    }

    private static void toolChoice(JsonNode node, GenerationOptions.Builder options) {
        if (node == null || node.isNull()) {
            return;
        }
        String type = node.path("type").asText("");
        ToolChoice choice = switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> {
                JsonNode name = node.get("name");
                if (name == null || !name.isTextual() || name.asText().isBlank()) {
                    throw new MessagesInvalid("tool_choice.name: Field required");
                }
                yield ToolChoice.function(name.asText());
            }
            default -> throw new MessagesInvalid("tool_choice.type: must be auto, any, tool or none");
        };
        options.toolChoice(choice);
        if (node.path("disable_parallel_tool_use").asBoolean(false)) {
            options.parallelToolCalls(false);
        }
    }

    private static Double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new MessagesInvalid(field + ": must be a number");
        }
        return v.asDouble();
    }

    private static List<String> stops(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new MessagesInvalid("stop_sequences: must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw new MessagesInvalid("stop_sequences: must be an array of strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    /**
     * What a {@code pipeline/<name>} model gets as its input: the conversation in the Chat Completions
     * shape ({@code messages} with {@code tool_calls} and {@code tool_call_id}, {@code tools} as
     * functions), so one chat-shaped pipeline serves both doors.
     */
    Map<String, Object> pipelineInput() {
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (Message m : request.messages()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            boolean textOnly = m.content().stream().allMatch(p -> p instanceof ContentPart.Text);
            if (textOnly) {
                o.put("content", m.toolCalls().isEmpty() || !m.text().isEmpty() ? m.text() : null);
            } else {
                List<Map<String, Object>> parts = new ArrayList<>();
                for (ContentPart p : m.content()) {
                    if (p instanceof ContentPart.Text t) {
                        parts.add(Map.of("type", "text", "text", t.text()));
                    } else if (p instanceof ContentPart.Image img) {
                        parts.add(Map.of("type", "image_url", "image_url", Map.of("url", img.url())));
                    }
                }
                o.put("content", parts);
            }
            if (!m.toolCalls().isEmpty()) {
                o.put("tool_calls", m.toolCalls().stream().map(c -> Map.of("id", c.id(), "type", "function",
                        "function", Map.of("name", c.name(), "arguments", c.arguments()))).toList());
            }
            if (m.toolCallId() != null) {
                o.put("tool_call_id", m.toolCallId());
            }
            msgs.add(o);
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("messages", msgs);
        if (!request.tools().isEmpty()) {
            input.put("tools", request.tools().stream().map(t -> {
                Map<String, Object> fn = new LinkedHashMap<>();
                fn.put("name", t.name());
                if (t.description() != null) {
                    fn.put("description", t.description());
                }
                fn.put("parameters", t.parameters() == null ? Map.of("type", "object") : t.parameters());
                return Map.of("type", "function", "function", fn);
            }).toList());
        }
        if (request.options().maxTokens() != null) {
            input.put("max_tokens", request.options().maxTokens());
        }
        return input;
    }
}
