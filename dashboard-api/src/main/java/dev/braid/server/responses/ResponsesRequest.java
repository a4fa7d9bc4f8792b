package dev.braid.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.ToolChoice;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ProblemException;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code POST /v1/responses} body, read the way OpenAI reads it: unknown fields are ignored
 * (SDKs send {@code include}, {@code truncation}, {@code user}, …), while a field asking for what
 * Braid cannot do ({@code background}, {@code conversation}, hosted tools) is a 400 naming it, never
 * silently dropped.
 *
 * @param input this request's own items, long form ({@link ResponseItems#normalize})
 * @param tools the function tools as the model gets them
 * @param options sampling options, {@code tool_choice} and {@code text.format} (as {@code response_format})
 * @param echo what the response object repeats of the request: {@code instructions}, {@code tools},
 *     {@code tool_choice}, {@code text}, {@code temperature}, {@code top_p}, {@code max_output_tokens},
 *     {@code parallel_tool_calls}, {@code metadata}, {@code previous_response_id}, {@code store}
 */
record ResponsesRequest(
        String model,
        ArrayNode input,
        @Nullable String instructions,
        List<ToolDefinition> tools,
        GenerationOptions options,
        boolean stream,
        boolean store,
        @Nullable String previousResponseId,
        ObjectNode echo) {

    static final int MAX_MODEL_LENGTH = 256;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> UNSUPPORTED = Set.of("background", "conversation", "prompt");

    /** The call for the model: {@code instructions}, then {@code earlier} (the stored chain), then this input. */
    ModelRequest toModelRequest(ArrayNode conversation) {
        return new ModelRequest(ModelTask.CHAT, ResponseItems.messages(instructions, conversation), null, tools, options);
    }

    /** What a {@code pipeline/<name>} model gets: the conversation as chat messages, and the tools and options. */
    Map<String, Object> pipelineInput(ArrayNode conversation) {
        Map<String, Object> in = new LinkedHashMap<>();
        List<Message> messages = ResponseItems.messages(instructions, conversation);
        in.put("messages", ResponseItems.chatMessages(messages));
        if (!tools.isEmpty()) {
            List<Map<String, Object>> chatTools = new ArrayList<>();
            for (ToolDefinition t : tools) {
                Map<String, Object> fn = new LinkedHashMap<>();
                fn.put("name", t.name());
                if (t.description() != null) {
                    fn.put("description", t.description());
                }
                if (t.parameters() != null) {
                    fn.put("parameters", t.parameters());
                }
                chatTools.add(Map.of("type", "function", "function", fn));
            }
            in.put("tools", chatTools);
        }
        if (options.temperature() != null) {
            in.put("temperature", options.temperature());
        }
        if (options.maxTokens() != null) {
            in.put("max_tokens", options.maxTokens());
        }
        if (options.responseFormat() != null) {
            in.put("response_format", options.responseFormat());
        }
        return in;
    }

    @SuppressWarnings("unchecked")
    static ResponsesRequest read(JsonNode body, ObjectMapper json) {
        if (body == null || !body.isObject()) {
            throw invalid(null, "the request body must be a JSON object");
        }
        String model = checkedModel(requiredString(body, "model", "model"));
        for (String field : UNSUPPORTED) {
            JsonNode v = body.get(field);
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
                throw unsupported(field, "'" + field + "' is not supported by Braid's Responses door");
            }
        }
        ArrayNode input = ResponseItems.normalize(body.get("input"));
        String instructions = optionalString(body, "instructions");
        List<ToolDefinition> tools = tools(body.get("tools"), json);
        JsonNode toolChoice = toolChoice(body.get("tool_choice"), tools);
        Double temperature = optionalNumber(body, "temperature");
        Integer maxTokens = optionalInt(body, "max_output_tokens");
        Map<String, Object> responseFormat = null;
        JsonNode text = body.get("text");
        if (text != null && !text.isNull()) {
            if (!text.isObject()) {
                throw invalid("text", "'text' must be an object");
            }
            responseFormat = format(text.get("format"), json);
        }
        boolean stream = optionalBoolean(body, "stream", false);
        boolean store = optionalBoolean(body, "store", true);
        String previous = optionalString(body, "previous_response_id");
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            boolean strings = metadata.isObject();
            for (JsonNode v : metadata) {
                strings &= v.isTextual();
            }
            if (!strings) {
                throw invalid("metadata", "'metadata' must be an object of strings");
            }
        }
        JsonNode parallel = body.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw invalid("parallel_tool_calls", "'parallel_tool_calls' must be true or false");
        }
        ObjectNode echo = NODES.objectNode();
        echo.put("instructions", instructions);
        echo.set("tools", echoTools(body.get("tools")));
        echo.set("tool_choice", toolChoice == null ? NODES.textNode("auto") : toolChoice);
        echo.set("text", text == null || text.isNull() ? NODES.objectNode().set("format", NODES.objectNode().put("type", "text")) : text);
        echo.set("temperature", temperature == null ? NODES.numberNode(1.0) : NODES.numberNode(temperature));
        JsonNode topP = body.get("top_p");
        echo.set("top_p", topP != null && topP.isNumber() ? topP : NODES.numberNode(1.0));
        echo.set("max_output_tokens", maxTokens == null ? NODES.nullNode() : NODES.numberNode(maxTokens));
        echo.put("parallel_tool_calls", parallel == null || !parallel.isBoolean() || parallel.asBoolean());
        echo.set("metadata", metadata == null || metadata.isNull() ? NODES.objectNode() : metadata);
        echo.put("previous_response_id", previous);
        echo.put("store", store);
        GenerationOptions options = GenerationOptions.builder()
                .temperature(temperature)
                .maxTokens(maxTokens)
                .responseFormat(responseFormat)
                .topP(optionalNumber(body, "top_p"))
                .toolChoice(choice(toolChoice))
                // only when the caller said so: a target that cannot honour it then answers 400, as it should
                .parallelToolCalls(parallel != null && parallel.isBoolean() ? parallel.asBoolean() : null)
                .build();
        return new ResponsesRequest(model, input, instructions, tools, options, stream, store, previous, echo);
    }

    private static String checkedModel(String model) {
        if (model.length() > MAX_MODEL_LENGTH) {
            throw invalid("model", "'model' is longer than " + MAX_MODEL_LENGTH + " characters");
        }
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw invalid("model", "'model' contains a control character");
            }
        }
        return model;
    }

    @SuppressWarnings("unchecked")
    private static List<ToolDefinition> tools(JsonNode node, ObjectMapper json) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("tools", "'tools' must be an array");
        }
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode tool = node.get(i);
            if (tool == null || !tool.isObject()) {
                throw invalid(path, "'" + path + "' must be an object");
            }
            String type = tool.path("type").asText("");
            if (!"function".equals(type)) {
                throw unsupported(path + ".type", "'" + path + ".type' " + (type.isEmpty() ? "is required"
                        : "'" + ResponseItems.clip(type) + "' is not supported") + ": Braid offers function tools only");
            }
            JsonNode params = tool.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw invalid(path + ".parameters", "'" + path + ".parameters' must be a JSON Schema object");
            }
            JsonNode description = tool.get("description");
            JsonNode strict = tool.get("strict");
            if (strict != null && !strict.isNull() && !strict.isBoolean()) {
                throw invalid(path + ".strict", "'" + path + ".strict' must be true or false");
            }
            tools.add(new ToolDefinition(requiredString(tool, "name", path + ".name"),
                    description != null && description.isTextual() ? description.asText() : null,
                    params == null || params.isNull() ? null : json.convertValue(params, Map.class),
                    strict == null || strict.isNull() ? null : strict.asBoolean()));
        }
        return tools;
    }

    private static ToolChoice choice(JsonNode choice) {
        if (choice == null) {
            return null;
        }
        if (choice.isObject()) {
            return ToolChoice.function(choice.get("name").asText());
        }
        return switch (choice.asText()) {
            case "none" -> ToolChoice.NONE;
            case "required" -> ToolChoice.REQUIRED;
            default -> ToolChoice.AUTO;
        };
    }

    private static JsonNode echoTools(JsonNode tools) {
        ArrayNode out = NODES.arrayNode();
        if (tools != null && tools.isArray()) {
            for (JsonNode t : tools) {
                ObjectNode tool = t.deepCopy();
                if (!tool.has("strict")) {
                    tool.put("strict", true); // OpenAI's default for a function tool
                }
                if (!tool.has("parameters")) {
                    tool.putNull("parameters");
                }
                out.add(tool);
            }
        }
        return out;
    }

    private static JsonNode toolChoice(JsonNode choice, List<ToolDefinition> tools) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual() && Set.of("auto", "none", "required").contains(choice.asText())) {
            return choice;
        }
        if (choice.isObject() && "function".equals(choice.path("type").asText())) {
            String name = requiredString(choice, "name", "tool_choice.name");
            if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw invalid("tool_choice.name", "'tool_choice.name' names no function in 'tools'");
            }
            return choice;
        }
        throw unsupported("tool_choice",
                "'tool_choice' must be auto, none, required or {\"type\":\"function\",\"name\":…}");
    }

    /** {@code text.format} as Chat Completions' {@code response_format} (what every provider adapter reads). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> format(JsonNode format, ObjectMapper json) {
        if (format == null || format.isNull()) {
            return null;
        }
        String type = format.path("type").asText("");
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return Map.of("type", "json_object");
            }
            case "json_schema" -> {
                JsonNode schema = format.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw invalid("text.format.schema", "'text.format.schema' must be a JSON Schema object");
                }
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("name", requiredString(format, "name", "text.format.name"));
                if (format.path("description").isTextual()) {
                    spec.put("description", format.get("description").asText());
                }
                spec.put("schema", json.convertValue(schema, Map.class));
                if (format.path("strict").isBoolean()) {
                    spec.put("strict", format.get("strict").asBoolean());
                }
                return Map.of("type", "json_schema", "json_schema", spec);
            }
            default -> throw invalid("text.format.type", "'text.format.type' must be text, json_object or json_schema");
        }
    }

    static ProblemException invalid(String param, String message) {
        return new ProblemException(ApiProblem.of(400, "invalid_request", message, param));
    }

    static ProblemException unsupported(String param, String message) {
        return new ProblemException(ApiProblem.of(400, "unsupported_parameter", message, param));
    }

    static String requiredString(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw invalid(path, "'" + path + "' is required and must be a string");
        }
        return v.asText();
    }

    private static String optionalString(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field, "'" + field + "' must be a string");
        }
        return v.asText();
    }

    private static Double optionalNumber(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw invalid(field, "'" + field + "' must be a number");
        }
        return v.asDouble();
    }

    private static Integer optionalInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw invalid(field, "'" + field + "' must be a positive integer");
        }
        return v.asInt();
    }

    private static boolean optionalBoolean(JsonNode node, String field, boolean otherwise) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw invalid(field, "'" + field + "' must be true or false");
        }
        return v.asBoolean();
    }
}
