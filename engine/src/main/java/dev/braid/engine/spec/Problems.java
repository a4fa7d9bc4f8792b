package dev.braid.engine.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Collects every error found in one read, each with its 1-based position and 0-based path.
 *
 * <p>An error that only follows from another one (a required key "missing" because it was misspelt,
 * which is already an unknown key) is <em>derived</em>: it is listed after every root cause, whatever
 * its position, so the first error an author reads is the one to fix.
 */
public final class Problems {

    private final List<ValidationError> errors = new ArrayList<>();
    private final List<ValidationError> derived = new ArrayList<>();

    public void at(Node node, String path, String message) {
        at(node == null ? Optional.empty() : node.getStartMark(), path, message);
    }

    public void at(Optional<Mark> mark, String path, String message) {
        // snakeyaml-engine marks are 0-based; callers and editors count from 1.
        int line = mark.map(m -> m.getLine() + 1).orElse(0);
        int column = mark.map(m -> m.getColumn() + 1).orElse(0);
        at(line, column, path, message);
    }

    public void at(int line, int column, String path, String message) {
        errors.add(new ValidationError(line, column, path, message));
    }

    /** An error that follows from another one already reported: listed after every root cause. */
    public void derived(Node node, String path, String message) {
        Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
        derived.add(new ValidationError(
                mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0), path, message));
    }

    public int size() {
        return errors.size() + derived.size();
    }

    public boolean isEmpty() {
        return errors.isEmpty() && derived.isEmpty();
    }

    /** Root causes by position, then derived errors by position. */
    public List<ValidationError> sorted() {
        List<ValidationError> out = byPosition(errors);
        for (ValidationError d : byPosition(derived)) {
            if (!out.contains(d)) {
                out.add(d);
            }
        }
        return out;
    }

    private static List<ValidationError> byPosition(List<ValidationError> list) {
        // A node reached twice (through an alias) would report the same error twice.
        List<ValidationError> copy = new ArrayList<>(new LinkedHashSet<>(list));
        copy.sort(Comparator.comparingInt(ValidationError::line).thenComparingInt(ValidationError::column));
        return copy;
    }

    public InvalidPipelineException exception() {
        return new InvalidPipelineException(sorted());
    }
}
