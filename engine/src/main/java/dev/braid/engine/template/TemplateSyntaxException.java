package dev.braid.engine.template;

/** A malformed {@code {{…}}} reference in a pipeline string; {@code offset} is 0-based. */
public final class TemplateSyntaxException extends IllegalArgumentException {

    private final int offset;

    public TemplateSyntaxException(int offset, String message) {
        super(message);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
