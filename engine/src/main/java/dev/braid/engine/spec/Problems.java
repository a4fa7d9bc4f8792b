package dev.braid.engine.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Collects every error found in one read, each with its 1-based position and 0-based path. */
public final class Problems {

    private final List<ValidationError> errors = new ArrayList<>();

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

    public int size() {
        return errors.size();
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<ValidationError> sorted() {
        // A node reached twice (through an alias) would report the same error twice.
        List<ValidationError> copy = new ArrayList<>(new LinkedHashSet<>(errors));
        copy.sort(Comparator.comparingInt(ValidationError::line).thenComparingInt(ValidationError::column));
        return copy;
    }

    public InvalidPipelineException exception() {
        return new InvalidPipelineException(sorted());
    }
}
