package dev.braid.components.model.api;

import java.util.Map;

/**
 * A function the model may call; {@code parameters} is a JSON Schema object. {@code strict} is
 * OpenAI's structured-outputs flag for the function (null: not given, so not sent).
 */
public record ToolDefinition(String name, String description, Map<String, Object> parameters, Boolean strict) {

    public ToolDefinition(String name, String description, Map<String, Object> parameters) {
        this(name, description, parameters, null);
    }
}
