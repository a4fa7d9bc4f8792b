package dev.braid.engine.spec;

/** Where something stands in the pipeline YAML: 1-based line and column, 0-based path. */
public record SourcePosition(int line, int column, String path) {

    public static final SourcePosition UNKNOWN = new SourcePosition(0, 0, "");
}
