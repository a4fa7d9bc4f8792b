package dev.braid.server.openai;

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
 * A {@code POST /v1/chat/completions} body. Every documented field is read into the unified request
 * ({@code tool_choice}, {@code parallel_tool_calls}, a function's {@code strict}, {@code top_p},
 * {@code seed}, penalties, {@code logprobs}, {@code reasoning_effort}, {@code user}, {@code metadata} …);
 * fields Braid does not model ({@code logit_bias}, {@code service_tier}, {@code prediction}, vendor
 * extensions) are kept as {@link GenerationOptions#extra()} in their order, so an OpenAI-compatible
 * upstream gets them as sent and any other provider refuses them by name. {@code content} is a
 * string or a list of parts, {@code stop} a string or a list, {@code max_completion_tokens} wins
 * over the older {@code max_tokens} (the spelling is kept). {@code developer} messages are read as
 * {@code system}; {@code n} above 1 is refused (one choice only).
 *
 * @param pipelineInput the body without {@code model}, {@code stream} and {@code stream_options}:
 *     what a {@code pipeline/<name>} model gets as its input
 */
record ChatCompletionRequest(
        String model,
        List<Message> messages,
        List<ToolDefinition> tools,
        GenerationOptions options,
        boolean stream,
        boolean includeUsage,
        Map<String, Object> pipelineInput) {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final Set<String> NOT_PIPELINE_INPUT = Set.of("model", "stream", "stream_options");
    /** The request fields read into the unified request; every other one is an extra. */
    static final Set<String> MODELLED = Set.of("model", "messages", "stream", "stream_options", "tools", "tool_choice",
            "parallel_tool_calls", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop",
            "response_format", "n", "seed", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs",
            "reasoning_effort", "user", "metadata");

    ModelRequest toModelRequest() {
        return new ModelRequest(ModelTask.CHAT, messages, null, tools, options);
    }

    @SuppressWarnings("unchecked")
    static ChatCompletionRequest read(JsonNode body, ObjectMapper json) {
        if (body == null || !body.isObject()) {
            throw new RequestInvalid(null, "the request body must be a JSON object");
        }
        String model = ModelNames.checked(requiredString(body, "model"));
        JsonNode messagesNode = body.get("messages");
        if (messagesNode == null || !messagesNode.isArray() || messagesNode.isEmpty()) {
            throw new RequestInvalid("messages", "'messages' must be a non-empty array");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
        }
        List<ToolDefinition> tools = tools(body.get("tools"), json);
        Integer maxTokens = optionalInt(body, "max_completion_tokens");
        String maxTokensField = maxTokens == null ? null : "max_completion_tokens";
        if (maxTokens == null) {
            maxTokens = optionalInt(body, "max_tokens");
            maxTokensField = maxTokens == null ? null : "max_tokens";
        }
        Map<String, Object> responseFormat = null;
        JsonNode rf = body.get("response_format");
        if (rf != null && !rf.isNull()) {
            if (!rf.isObject()) {
                throw new RequestInvalid("response_format", "'response_format' must be an object");
            }
            responseFormat = json.convertValue(rf, Map.class);
        }
        Integer n = optionalInt(body, "n");
        if (n != null && n != 1) {
            // silently answering one choice would break a client that indexes choices[1]
            throw new RequestInvalid("n", "'n' must be 1: Braid answers with one choice");
        }
        Integer topLogprobs = optionalCount(body, "top_logprobs", 20);
        GenerationOptions options = GenerationOptions.builder()
                .temperature(optionalNumber(body, "temperature"))
                .maxTokens(maxTokens)
                .maxTokensField(maxTokensField)
                .stop(stop(body.get("stop")))
                .responseFormat(responseFormat)
                .topP(optionalNumber(body, "top_p"))
                .seed(optionalLong(body, "seed"))
                .presencePenalty(optionalNumber(body, "presence_penalty"))
                .frequencyPenalty(optionalNumber(body, "frequency_penalty"))
                .n(n)
                .logprobs(optionalFlag(body, "logprobs"))
                .topLogprobs(topLogprobs)
                .reasoningEffort(optionalText(body, "reasoning_effort"))
                .toolChoice(toolChoice(body.get("tool_choice")))
                .parallelToolCalls(optionalFlag(body, "parallel_tool_calls"))
                .user(optionalText(body, "user"))
                .metadata(metadata(body.get("metadata")))
                .extra(extra(body))
                .build();
        boolean stream = optionalBoolean(body, "stream");
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) {
                throw new RequestInvalid("stream_options", "'stream_options' must be an object");
            }
            includeUsage = optionalBoolean(so, "include_usage");
        }
        Map<String, Object> input = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!NOT_PIPELINE_INPUT.contains(e.getKey())) {
                input.put(e.getKey(), javaValue(e.getValue()));
            }
        }
        return new ChatCompletionRequest(model, messages, tools, options, stream, includeUsage, input);
    }

    /**
     * The tree as plain Java values (LinkedHashMap, ArrayList, String, Number, Boolean, null), as
     * {@code convertValue(node, Object.class)} gives them; a direct walk, because convertValue writes
     * the tree out and parses it back, which was most of the cost of reading a request.
     */
    static Object javaValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), javaValue(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                list.add(javaValue(item));
            }
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asText();
    }

    private static Message message(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new RequestInvalid(path, "'" + path + "' must be an object with a role");
        }
        JsonNode roleNode = node.get("role");
        if (roleNode == null || !roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
            throw new RequestInvalid(path + ".role",
                    "'" + path + ".role' must be one of system, developer, user, assistant, tool");
        }
        String role = "developer".equals(roleNode.asText()) ? "system" : roleNode.asText();
        List<ContentPart> parts = new ArrayList<>();
        JsonNode content = node.get("content");
        if (content == null || content.isNull()) {
            if (!"assistant".equals(role)) {
                throw new RequestInvalid(path + ".content", "'" + path + ".content' is required for a " + role + " message");
            }
        } else if (content.isTextual()) {
            parts.add(new ContentPart.Text(content.asText()));
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                parts.add(part(content.get(i), path + ".content[" + i + "]"));
            }
        } else {
            throw new RequestInvalid(path + ".content", "'" + path + ".content' must be a string or an array of parts");
        }
        List<ToolCall> calls = new ArrayList<>();
        JsonNode toolCalls = node.get("tool_calls");
        if (toolCalls != null && !toolCalls.isNull()) {
            if (!toolCalls.isArray()) {
                throw new RequestInvalid(path + ".tool_calls", "'" + path + ".tool_calls' must be an array");
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                String p = path + ".tool_calls[" + i + "]";
                JsonNode call = toolCalls.get(i);
                JsonNode fn = call == null ? null : call.get("function");
                if (fn == null || !fn.isObject()) {
                    throw new RequestInvalid(p + ".function", "'" + p + ".function' must be an object");
                }
                calls.add(new ToolCall(call.path("id").asText(null), requiredString(fn, "name", p + ".function.name"),
                        fn.path("arguments").asText("")));
            }
        }
        String toolCallId = null;
        if ("tool".equals(role)) {
            toolCallId = requiredString(node, "tool_call_id", path + ".tool_call_id");
        }
        return new Message(role, parts, calls, toolCallId);
    }

    private static ContentPart part(JsonNode part, String path) {
        String type = part == null ? null : part.path("type").asText(null);
        if ("text".equals(type) && part.path("text").isTextual()) {
            return new ContentPart.Text(part.get("text").asText());
        }
        if ("image_url".equals(type)) {
            JsonNode iu = part.get("image_url");
            JsonNode url = iu != null && iu.isObject() ? iu.get("url") : iu;
            if (url != null && url.isTextual()) {
                return new ContentPart.Image(url.asText());
            }
        }
        throw new RequestInvalid(path,
                "'" + path + "' must be {\"type\":\"text\",\"text\":…} or {\"type\":\"image_url\",\"image_url\":{\"url\":…}}");
    }

    @SuppressWarnings("unchecked")
    private static List<ToolDefinition> tools(JsonNode node, ObjectMapper json) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new RequestInvalid("tools", "'tools' must be an array");
        }
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode fn = node.get(i).get("function");
            if (fn == null || !fn.isObject()) {
                throw new RequestInvalid(path + ".function", "'" + path + ".function' must be an object");
            }
            JsonNode params = fn.get("parameters");
            Map<String, Object> parameters = params == null || params.isNull() ? null : json.convertValue(params, Map.class);
            JsonNode strict = fn.get("strict");
            if (strict != null && !strict.isNull() && !strict.isBoolean()) {
                throw new RequestInvalid(path + ".function.strict", "'" + path + ".function.strict' must be true or false");
            }
            tools.add(new ToolDefinition(requiredString(fn, "name", path + ".function.name"),
                    fn.path("description").asText(null), parameters,
                    strict == null || strict.isNull() ? null : strict.asBoolean()));
        }
        return tools;
    }

    /** {@code "auto" | "none" | "required"} or {@code {type: function, function: {name}}}. */
    static ToolChoice toolChoice(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            switch (node.asText()) {
                case "auto": return ToolChoice.AUTO;
                case "none": return ToolChoice.NONE;
                case "required": return ToolChoice.REQUIRED;
                default: break;
            }
        } else if (node.isObject() && "function".equals(node.path("type").asText())
                && node.path("function").path("name").isTextual() && !node.path("function").path("name").asText().isBlank()) {
            return ToolChoice.function(node.get("function").get("name").asText());
        }
        throw new RequestInvalid("tool_choice",
                "'tool_choice' must be \"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}");
    }

    /** OpenAI's metadata: an object of string values. */
    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new RequestInvalid("metadata", "'metadata' must be an object of string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new RequestInvalid("metadata." + e.getKey(), "'metadata' values must be strings");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** The body's fields Braid does not model, in order, as plain values. */
    private static Map<String, Object> extra(JsonNode body) {
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!MODELLED.contains(e.getKey())) {
                extra.put(e.getKey(), javaValue(e.getValue()));
            }
        }
        return extra;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new RequestInvalid(field, "'" + field + "' must be a string");
        }
        return v.asText();
    }

    private static Boolean optionalFlag(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new RequestInvalid(field, "'" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static Long optionalLong(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new RequestInvalid(field, "'" + field + "' must be an integer");
        }
        return v.asLong();
    }

    /** An integer from 0 to {@code max}. */
    private static Integer optionalCount(JsonNode node, String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > max) {
            throw new RequestInvalid(field, "'" + field + "' must be an integer from 0 to " + max);
        }
        return v.asInt();
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (node.isArray()) {
            List<String> stop = new ArrayList<>();
            for (JsonNode s : node) {
                if (!s.isTextual()) {
                    throw new RequestInvalid("stop", "'stop' must be a string or an array of strings");
                }
                stop.add(s.asText());
            }
            return stop;
        }
        throw new RequestInvalid("stop", "'stop' must be a string or an array of strings");
    }

    static String requiredString(JsonNode node, String field) {
        return requiredString(node, field, field);
    }

    private static String requiredString(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new RequestInvalid(path, "'" + path + "' is required and must be a string");
        }
        return v.asText();
    }

    private static Double optionalNumber(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new RequestInvalid(field, "'" + field + "' must be a number");
        }
        return v.asDouble();
    }

    private static Integer optionalInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw new RequestInvalid(field, "'" + field + "' must be a positive integer");
        }
        return v.asInt();
    }

    private static boolean optionalBoolean(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new RequestInvalid(field, "'" + field + "' must be true or false");
        }
        return v.asBoolean();
    }
}
