package dev.braid.components.model.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ToolDefinition;
import java.util.List;
import java.util.Map;

/** The one Jackson mapper the provider adapters share, and small tree helpers. */
public final class ProviderJson {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ProviderJson() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Tool arguments text as a JSON object (providers that want objects, not text); {} when empty. */
    /**
     * {@code tools} in the Chat Completions shape ({@code [{type: function, function: {name,
     * description, parameters}}]}), which OpenAI, compatible servers and Ollama all take; nothing when
     * there are none.
     */
    public static void functionTools(ObjectNode body, List<ToolDefinition> tools) {
        if (tools.isEmpty()) {
            return;
        }
        ArrayNode array = body.putArray("tools");
        for (ToolDefinition t : tools) {
            ObjectNode fn = array.addObject().put("type", "function").putObject("function");
            fn.put("name", t.name());
            if (t.description() != null) {
                fn.put("description", t.description());
            }
            fn.set("parameters", t.parameters() == null ? object() : tree(t.parameters()));
        }
    }

    public static JsonNode argumentsObject(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return object();
        }
        try {
            return MAPPER.readTree(arguments);
        } catch (Exception e) {
            throw new IllegalArgumentException("tool call arguments are not JSON");
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, Map.class);
    }

    /** The number at {@code field}, or -1 when absent or null. */
    public static long count(JsonNode node, String field) {
        JsonNode n = node == null ? null : node.get(field);
        return n != null && n.isNumber() ? n.asLong() : -1;
    }
}
