package dev.braid.engine.compile;

/** A transform step: its JSONata result becomes {@code steps.<id>}. */
public record TransformBinding(String id, JsonataExpression expression) {}
