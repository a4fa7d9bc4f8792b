package dev.braid.engine.spec;

/** One problem in a pipeline: 1-based line and column, 0-based path, and what is wrong. */
public record ValidationError(int line, int column, String path, String message) {

    @Override
    public String toString() {
        return line + ":" + column + " " + path + ": " + message;
    }
}
