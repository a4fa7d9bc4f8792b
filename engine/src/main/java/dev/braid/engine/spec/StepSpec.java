package dev.braid.engine.spec;

/**
 * One step: its id ({@code [A-Za-z][A-Za-z0-9_-]{0,62}}), an optional JSONata {@code when}
 * condition (the step is skipped when it is false), what it does, and where it was written.
 */
public record StepSpec(String id, String when, Step step, SourcePosition position) {}
