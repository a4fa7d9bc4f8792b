package dev.braid.components.model.api;

import java.util.Map;

/** A function the model may call; {@code parameters} is a JSON Schema object. */
public record ToolDefinition(String name, String description, Map<String, Object> parameters) {}
