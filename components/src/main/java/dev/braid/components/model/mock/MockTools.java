package dev.braid.components.model.mock;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.api.ToolDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's deterministic tool-calling rule, so function calling can be tried offline on every door.
 * When the request offers tools, {@code tool_choice} is not {@code none} and the last message is not a
 * tool result:
 * <ol>
 *   <li>the tool is the one {@code tool_choice} names; else the first offered tool whose name appears
 *       as a word in the last user message; else, with {@code tool_choice: required}, the first tool;
 *       else there is no call and the mock echoes as usual;</li>
 *   <li>the arguments are a JSON object of the {@code name=value} pairs in the last user message whose
 *       name is one of the tool's parameters ({@code value} is a word or a "double-quoted" text; a
 *       parameter typed integer, number or boolean gets a JSON number or boolean when the value reads as
 *       one); when there is no such pair and the tool has parameters, its first parameter gets the text
 *       after the tool's name in the message (trimmed), if any;</li>
 *   <li>the call id is {@code call_} and 24 hex digits of the SHA-256 of the tool name and arguments.</li>
 * </ol>
 * After a tool result (the last message has role {@code tool}) the mock answers
 * {@code <tool name> returned: <result text>}, so an agent loop ends.
 */
final class MockTools {

    private static final Pattern PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S+))");

    private MockTools() {}

    /** The call the rule makes for this request, if any. */
    static Optional<ToolCall> call(ModelRequest request) {
        List<ToolDefinition> tools = request.tools();
        ToolChoice choice = request.options().toolChoice();
        if (tools.isEmpty() || choice instanceof ToolChoice.None || lastIsToolResult(request)) {
            return Optional.empty();
        }
        String prompt = request.lastUserText();
        ToolDefinition tool = null;
        if (choice instanceof ToolChoice.Function f) {
            tool = tools.stream().filter(t -> t.name().equals(f.name())).findFirst().orElse(null);
            if (tool == null) {
                tool = new ToolDefinition(f.name(), null, null);
            }
        }
        if (tool == null) {
            for (ToolDefinition t : tools) {
                if (Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(t.name()) + "(?![A-Za-z0-9_])").matcher(prompt).find()) {
                    tool = t;
                    break;
                }
            }
        }
        if (tool == null && choice instanceof ToolChoice.Required) {
            tool = tools.get(0);
        }
        if (tool == null) {
            return Optional.empty();
        }
        String arguments = arguments(tool, prompt);
        return Optional.of(new ToolCall("call_" + sha256(tool.name() + "\n" + arguments).substring(0, 24), tool.name(),
                arguments));
    }

    /** The answer after a tool result: {@code <name> returned: <text>}; null when the last message is no tool result. */
    static String afterToolResult(ModelRequest request) {
        if (!lastIsToolResult(request)) {
            return null;
        }
        List<Message> messages = request.messages();
        Message result = messages.get(messages.size() - 1);
        String name = result.toolCallId();
        for (Message m : messages) {
            for (ToolCall c : m.toolCalls()) {
                if (c.id() != null && c.id().equals(result.toolCallId())) {
                    name = c.name();
                }
            }
        }
        return name + " returned: " + result.text();
    }

    private static boolean lastIsToolResult(ModelRequest request) {
        List<Message> messages = request.messages();
        return !messages.isEmpty() && "tool".equals(messages.get(messages.size() - 1).role());
    }

    @SuppressWarnings("unchecked")
    static String arguments(ToolDefinition tool, String prompt) {
        Map<String, Object> properties = tool.parameters() != null && tool.parameters().get("properties") instanceof Map<?, ?> p
                ? (Map<String, Object>) p : Map.of();
        Map<String, Object> args = new LinkedHashMap<>();
        Matcher m = PAIR.matcher(prompt);
        while (m.find()) {
            String name = m.group(1);
            if (properties.containsKey(name) && !args.containsKey(name)) {
                String value = m.group(3) != null ? m.group(3) : m.group(4);
                Object type = properties.get(name) instanceof Map<?, ?> schema ? schema.get("type") : null;
                args.put(name, typed(value, type));
            }
        }
        if (args.isEmpty() && !properties.isEmpty()) {
            int at = prompt.indexOf(tool.name());
            String rest = at < 0 ? "" : prompt.substring(at + tool.name().length()).strip();
            if (!rest.isEmpty()) {
                String first = properties.keySet().iterator().next();
                Object type = properties.get(first) instanceof Map<?, ?> schema ? schema.get("type") : null;
                args.put(first, typed(rest, type));
            }
        }
        StringBuilder json = new StringBuilder("{");
        args.forEach((k, v) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(k)).append(':').append(v instanceof String s ? quote(s) : String.valueOf(v));
        });
        return json.append('}').toString();
    }

    private static Object typed(String value, Object type) {
        try {
            if ("integer".equals(type)) {
                return Long.parseLong(value);
            }
            if ("number".equals(type)) {
                double d = Double.parseDouble(value);
                return Double.isFinite(d) ? (Object) d : value;
            }
        } catch (NumberFormatException e) {
            return value;
        }
        if ("boolean".equals(type) && ("true".equals(value) || "false".equals(value))) {
            return Boolean.parseBoolean(value);
        }
        return value;
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
