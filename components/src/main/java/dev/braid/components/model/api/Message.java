package dev.braid.components.model.api;

import java.util.List;

/**
 * One chat message in the unified model. {@code role} is system, user, assistant or tool.
 * {@code toolCalls} is set on assistant messages that call tools; {@code toolCallId} on tool results.
 */
public record Message(String role, List<ContentPart> content, List<ToolCall> toolCalls, String toolCallId) {

    public Message {
        content = content == null ? List.of() : List.copyOf(content);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static Message system(String text) {
        return new Message("system", List.of(new ContentPart.Text(text)), null, null);
    }

    public static Message user(String text) {
        return new Message("user", List.of(new ContentPart.Text(text)), null, null);
    }

    public static Message assistant(String text) {
        return new Message("assistant", List.of(new ContentPart.Text(text)), null, null);
    }

    /** The concatenated text parts of this message. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
