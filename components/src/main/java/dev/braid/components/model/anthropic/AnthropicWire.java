package dev.braid.components.model.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.model.http.DataUrl;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The unified model to and from Anthropic's Messages API: system prompt as the top-level
 * {@code system}, tool results as {@code tool_result} blocks of one user turn, images as base64 or
 * url sources, and a {@code json_schema} response format as a forced tool whose input is the answer.
 */
final class AnthropicWire {

    static final String DEFAULT_ANSWER_TOOL = "json_answer";

    private AnthropicWire() {}

    /** The forced tool's name when the request asks for a JSON-schema answer. */
    static Optional<String> answerTool(ModelRequest request) {
        Map<String, Object> rf = request.options().responseFormat();
        if (rf == null || !"json_schema".equals(rf.get("type"))) {
            return Optional.empty();
        }
        Object js = rf.get("json_schema");
        Object name = js instanceof Map<?, ?> m ? m.get("name") : null;
        return Optional.of(name instanceof String s && s.matches("[a-zA-Z0-9_-]{1,64}") ? s : DEFAULT_ANSWER_TOOL);
    }

    static ObjectNode body(ModelRequest request, String model, int defaultMaxTokens, boolean stream) {
        GenerationOptions o = request.options();
        ObjectNode body = ProviderJson.object();
        body.put("model", model);
        body.put("max_tokens", o.maxTokens() != null ? o.maxTokens() : defaultMaxTokens);
        String system = HttpProvider.systemText(request);
        Map<String, Object> rf = o.responseFormat();
        if (rf != null && "json_object".equals(rf.get("type"))) {
            // no JSON mode at Anthropic: instruct it
            String rule = "Answer only with a JSON object, no other text.";
            system = system == null ? rule : system + "\n\n" + rule;
        }
        if (system != null) {
            body.put("system", system);
        }
        ArrayNode messages = body.putArray("messages");
        ArrayNode pendingResults = null;
        for (Message m : request.messages()) {
            if ("system".equals(m.role())) {
                continue;
            }
            if ("tool".equals(m.role())) {
                if (pendingResults == null) {
                    ObjectNode turn = messages.addObject().put("role", "user");
                    pendingResults = turn.putArray("content");
                }
                pendingResults.addObject().put("type", "tool_result").put("tool_use_id", m.toolCallId())
                        .put("content", m.text());
                continue;
            }
            pendingResults = null;
            messages.add(message(m));
        }
        ArrayNode tools = null;
        if (!request.tools().isEmpty()) {
            tools = body.putArray("tools");
            for (ToolDefinition t : request.tools()) {
                ObjectNode tool = tools.addObject().put("name", t.name());
                if (t.description() != null) {
                    tool.put("description", t.description());
                }
                tool.set("input_schema", t.parameters() == null
                        ? ProviderJson.object().put("type", "object") : ProviderJson.tree(t.parameters()));
            }
        }
        Optional<String> answer = answerTool(request);
        if (answer.isPresent()) {
            Object schema = ((Map<?, ?>) rf.get("json_schema")).get("schema");
            if (tools == null) {
                tools = body.putArray("tools");
            }
            tools.addObject().put("name", answer.get())
                    .put("description", "Give the answer as this tool's input.")
                    .set("input_schema", schema == null ? ProviderJson.object().put("type", "object") : ProviderJson.tree(schema));
            if (o.toolChoice() != null && !(o.toolChoice() instanceof ToolChoice.Auto)) {
                throw ModelException.UnsupportedParameter.of("tool_choice", "anthropic (with a json_schema response_format)");
            }
            body.putObject("tool_choice").put("type", "tool").put("name", answer.get());
        } else if (o.toolChoice() != null || Boolean.FALSE.equals(o.parallelToolCalls())) {
            body.set("tool_choice", toolChoice(o.toolChoice() == null ? ToolChoice.AUTO : o.toolChoice()));
        }
        if (Boolean.FALSE.equals(o.parallelToolCalls()) && body.get("tool_choice") instanceof ObjectNode tc
                && !"none".equals(tc.path("type").asText())) {
            tc.put("disable_parallel_tool_use", true);
        }
        if (o.topP() != null) {
            body.put("top_p", o.topP());
        }
        if (o.extra().get("top_k") instanceof Number topK) {
            body.put("top_k", topK.longValue());
        }
        if (o.user() != null) {
            body.putObject("metadata").put("user_id", o.user());
        }
        if (o.temperature() != null) {
            body.put("temperature", o.temperature());
        }
        if (o.stop() != null && !o.stop().isEmpty()) {
            body.set("stop_sequences", ProviderJson.tree(o.stop()));
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /** Anthropic's {@code tool_choice}: auto, none, any (OpenAI's required) or {@code {type: tool, name}}. */
    static ObjectNode toolChoice(ToolChoice choice) {
        ObjectNode out = ProviderJson.object();
        if (choice instanceof ToolChoice.Function f) {
            return out.put("type", "tool").put("name", f.name());
        }
        return out.put("type", choice instanceof ToolChoice.Required ? "any" : choice.kind());
    }

    private static ObjectNode message(Message m) {
        ObjectNode out = ProviderJson.object();
        out.put("role", "assistant".equals(m.role()) ? "assistant" : "user");
        boolean textOnly = m.content().stream().allMatch(p -> p instanceof ContentPart.Text);
        if (textOnly && m.toolCalls().isEmpty()) {
            out.put("content", m.text());
            return out;
        }
        ArrayNode blocks = out.putArray("content");
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Text t) {
                if (!t.text().isEmpty()) {
                    blocks.addObject().put("type", "text").put("text", t.text());
                }
            } else if (p instanceof ContentPart.Image i) {
                ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
                Optional<DataUrl> data = DataUrl.parse(i.url());
                if (data.isPresent()) {
                    source.put("type", "base64").put("media_type", data.get().mediaType()).put("data", data.get().base64());
                } else {
                    source.put("type", "url").put("url", i.url());
                }
            }
        }
        for (ToolCall c : m.toolCalls()) {
            blocks.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                    .set("input", ProviderJson.argumentsObject(c.arguments()));
        }
        return out;
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence", "pause_turn" -> "stop";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> stopReason;
        };
    }

    /** Prompt tokens including cache writes and reads, which Anthropic reports apart; -1 when absent. */
    static long inputTokens(JsonNode usage) {
        long in = ProviderJson.count(usage, "input_tokens");
        if (in < 0) {
            return -1;
        }
        return in + Math.max(0, ProviderJson.count(usage, "cache_creation_input_tokens"))
                + Math.max(0, ProviderJson.count(usage, "cache_read_input_tokens"));
    }

    static ModelResponse response(JsonNode root, ModelRequest request, String provider, String model) {
        if (!root.path("content").isArray()) {
            // an empty content array is an (empty) answer; no content at all is not one
            throw ProviderErrors.malformed(provider, "no content");
        }
        Optional<String> answerTool = answerTool(request);
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        boolean answered = false;
        for (JsonNode block : root.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    String name = block.path("name").asText();
                    if (answerTool.isPresent() && answerTool.get().equals(name)) {
                        text.setLength(0);
                        text.append(ProviderJson.write(block.path("input")));
                        answered = true;
                    } else {
                        calls.add(new ToolCall(block.path("id").asText(), name, ProviderJson.write(block.path("input"))));
                    }
                }
                default -> { } // thinking and other blocks are not part of the answer
            }
        }
        String finish = answered && calls.isEmpty() ? "stop" : finishReason(root.path("stop_reason").asText(null));
        JsonNode usage = root.path("usage");
        String t = text.toString();
        return new ModelResponse(provider, root.path("model").asText(model), t, calls, finish, null,
                HttpProvider.usage(inputTokens(usage), ProviderJson.count(usage, "output_tokens"), request, t, model), 0);
    }

    /** What an Anthropic error type inside a stream means as an upstream status (auth and others: a 5xx-class failure). */
    static int statusOf(String errorType) {
        return switch (errorType == null ? "" : errorType) {
            case "overloaded_error" -> 529;
            case "rate_limit_error" -> 429;
            case "invalid_request_error" -> 400;
            case "request_too_large" -> 413;
            case "timeout_error" -> 504;
            default -> 500;
        };
    }
}
