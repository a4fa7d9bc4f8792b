package dev.braid.engine.compile;

/** A camel step: {@code braid:camel-in} sets the body to the input, {@code braid:camel-out} stores the body. */
public record CamelBinding(String id) {}
