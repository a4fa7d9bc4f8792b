package dev.braid.engine.spec;

import java.util.List;

/** A pipeline that cannot be read, validated or compiled; carries every error found. */
public final class InvalidPipelineException extends RuntimeException {

    private final List<ValidationError> errors;

    public InvalidPipelineException(List<ValidationError> errors) {
        super(summary(errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }

    private static String summary(List<ValidationError> errors) {
        if (errors.isEmpty()) {
            return "invalid pipeline";
        }
        ValidationError first = errors.get(0);
        String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
        return "invalid pipeline: line " + first.line() + ", column " + first.column() + ", " + first.path() + ": "
                + first.message() + more;
    }
}
