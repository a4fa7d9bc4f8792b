package dev.braid.engine.compile;

import dev.braid.engine.template.JsonataExpression;

/** A transform step: its JSONata result becomes {@code steps.<id>}. */
public record TransformBinding(String id, JsonataExpression expression) {}
