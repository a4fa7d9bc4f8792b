package dev.braid.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared helpers: read a pipeline expecting failure, find one error, load fixtures. */
public final class SpecAssertions {

    public static final String HEADER = "apiVersion: braid/v1\nkind: Pipeline\nname: test\n";

    private SpecAssertions() {}

    public static List<ValidationError> errors(PipelineReader reader, String yaml) {
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> reader.read(yaml));
        assertTrue(!e.errors().isEmpty(), "an invalid pipeline carries at least one error");
        return e.errors();
    }

    public static List<ValidationError> errors(String yaml) {
        return errors(new PipelineReader(), yaml);
    }

    /** The one error whose message contains {@code fragment}; fails listing all errors otherwise. */
    public static ValidationError error(List<ValidationError> errors, String fragment) {
        List<ValidationError> matching =
                errors.stream().filter(e -> e.message().contains(fragment)).toList();
        assertEquals(1, matching.size(), "expected one error containing '" + fragment + "' in " + errors);
        return matching.get(0);
    }

    public static void assertAt(ValidationError e, int line, int column, String path) {
        assertEquals(line + ":" + column + " " + path, e.line() + ":" + e.column() + " " + e.path(), e.toString());
    }

    public static String fixture(String name) {
        try (InputStream in = SpecAssertions.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
