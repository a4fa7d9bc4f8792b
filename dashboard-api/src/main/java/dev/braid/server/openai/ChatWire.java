package dev.braid.server.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenAI's Chat Completions JSON, field for field and in OpenAI's order: {@code id, object,
 * created, model, system_fingerprint, choices, usage}. Built as trees rather than records so
 * that which fields are null and which are absent is decided here, exactly as OpenAI sends them.
 */
final class ChatWire {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final String model;

    /** @param model the model name as the caller sent it (OpenAI echoes the resolved one; ours is the request's) */
    ChatWire(ObjectMapper json, String model) {
        this.json = json;
        this.id = "chatcmpl-" + random(29);
        this.created = System.currentTimeMillis() / 1000;
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

    String id() {
        return id;
    }

    /** The non-streamed answer: one choice with the assistant message. */
    ObjectNode completion(String text, List<ToolCall> toolCalls, String finishReason, Usage usage) {
        return completion(text, toolCalls, finishReason, usage, null);
    }

    /** @param logprobs the choice's {@code logprobs} as the provider gave them, or null */
    ObjectNode completion(String text, List<ToolCall> toolCalls, String finishReason, Usage usage, Object logprobs) {
        ObjectNode root = head("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (text == null || text.isEmpty() && !toolCalls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        message.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall c : toolCalls) {
                ObjectNode call = calls.addObject();
                call.put("id", c.id());
                call.put("type", "function");
                ObjectNode fn = call.putObject("function");
                fn.put("name", c.name());
                fn.put("arguments", c.arguments() == null ? "" : c.arguments());
            }
        }
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", json.valueToTree(logprobs));
        }
        choice.put("finish_reason", finishReason(finishReason, toolCalls));
        usage(root.putObject("usage"), usage);
        return root;
    }

    /** The first chunk: the role, with empty content. */
    ObjectNode roleChunk(boolean usageField) {
        ObjectNode root = head("chat.completion.chunk");
        ObjectNode delta = choice(root).putObject("delta");
        delta.put("role", "assistant");
        delta.put("content", "");
        delta.putNull("refusal");
        finishChoice(root, null);
        return tail(root, usageField);
    }

    /** A chunk for one text or tool-call delta; null for deltas OpenAI has no chunk for (finish). */
    ObjectNode deltaChunk(ModelDelta d, boolean usageField) {
        ObjectNode root = head("chat.completion.chunk");
        ObjectNode delta = choice(root).putObject("delta");
        if (d instanceof ModelDelta.Text t) {
            delta.put("content", t.text());
        } else if (d instanceof ModelDelta.ToolCallFragment f) {
            ObjectNode call = delta.putArray("tool_calls").addObject();
            call.put("index", f.index());
            ObjectNode fn;
            if (f.id() != null) {
                // the first fragment of a call names it; later ones only append arguments
                call.put("id", f.id());
                call.put("type", "function");
                fn = call.putObject("function");
                fn.put("name", f.name());
            } else {
                fn = call.putObject("function");
            }
            fn.put("arguments", f.argumentsFragment() == null ? "" : f.argumentsFragment());
        } else {
            return null;
        }
        finishChoice(root, null);
        return tail(root, usageField);
    }

    /** The chunk that ends the choice: an empty delta and the finish reason. */
    ObjectNode finishChunk(String finishReason, boolean sawToolCalls, boolean usageField) {
        ObjectNode root = head("chat.completion.chunk");
        choice(root).putObject("delta");
        finishChoice(root, finishReason != null ? finishReason : sawToolCalls ? "tool_calls" : "stop");
        return tail(root, usageField);
    }

    /**
     * The extra chunk {@code stream_options.include_usage} asks for: no choices, the totals, and
     * Braid's {@code cost_usd} (headers went out before the cost was known).
     */
    ObjectNode usageChunk(Usage usage) {
        ObjectNode root = head("chat.completion.chunk");
        root.putArray("choices");
        ObjectNode u = root.putObject("usage");
        usage(u, usage);
        u.put("cost_usd", usage == null ? 0.0 : usage.costUsd());
        return root;
    }

    private ObjectNode head(String object) {
        ObjectNode root = json.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.putNull("system_fingerprint");
        return root;
    }

    private static ObjectNode choice(ObjectNode root) {
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        return choice;
    }

    private static void finishChoice(ObjectNode root, String finishReason) {
        ObjectNode choice = (ObjectNode) root.get("choices").get(0);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
    }

    /** With include_usage every chunk but the last carries {@code "usage": null}; without it, none has the field. */
    private static ObjectNode tail(ObjectNode root, boolean usageField) {
        if (usageField) {
            root.putNull("usage");
        }
        return root;
    }

    private static String finishReason(String reason, List<ToolCall> toolCalls) {
        if (reason != null) {
            return reason;
        }
        return toolCalls.isEmpty() ? "stop" : "tool_calls";
    }

    static void usage(ObjectNode node, Usage usage) {
        Usage u = usage == null ? Usage.ZERO : usage;
        node.put("prompt_tokens", u.promptTokens());
        node.put("completion_tokens", u.completionTokens());
        node.put("total_tokens", u.totalTokens());
    }
}
