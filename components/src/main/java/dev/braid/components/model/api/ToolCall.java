package dev.braid.components.model.api;

/** A tool call requested by the model; {@code arguments} is the JSON text the model produced. */
public record ToolCall(String id, String name, String arguments) {}
