package dev.braid.engine.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputSchemaTest {

    private final InputSchema schema = InputSchema.compile(Map.of(
            "type", "object",
            "required", List.of("text"),
            "properties", Map.of(
                    "text", Map.of("type", "string", "maxLength", 10),
                    "tags", Map.of("type", "array", "items", Map.of("type", "string")))));

    @Test
    void validInputHasNoProblems() {
        assertEquals(List.of(), schema.problems(Map.of("text", "hello", "tags", List.of("a"))));
    }

    @Test
    void wrongTypeNamesThePath() {
        assertEquals(List.of("input.text: must be a string"), schema.problems(Map.of("text", 5)));
        assertEquals(List.of("input.tags[1]: must be a string"), schema.problems(Map.of("text", "a", "tags", List.of("a", 2))));
    }

    @Test
    void missingRequiredPropertyIsNamed() {
        assertEquals(List.of("input: missing required property 'text'"), schema.problems(Map.of()));
    }

    @Test
    void otherKeywordsKeepAShortMessageWithoutTheLibraryPrefix() {
        List<String> problems = schema.problems(Map.of("text", "far too long for ten"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("input.text: "), problems.get(0));
        assertTrue(!problems.get(0).contains("$"), problems.get(0));
    }

    @Test
    void nonObjectInputIsReported() {
        assertEquals(List.of("input: must be an object"), schema.problems("just text"));
    }

    @Test
    void invalidSchemaIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InputSchema.compile(Map.of("properties", Map.of("text", Map.of("type", "strng")))));
        assertTrue(e.getMessage().startsWith("not a valid JSON Schema: input.properties.text.type"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InputSchema.compile(Map.of("minLength", -1)));
    }

    @Test
    void remoteReferencesAreRefusedSoNothingIsFetched() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InputSchema.compile(Map.of("$ref", "http://169.254.169.254/latest/meta-data")));
        assertEquals("input.$ref: only references inside the schema (#/…) are allowed", e.getMessage());
    }

    @Test
    void missingInputIsReportedNotThrown() {
        assertEquals(List.of("input: must be an object"), schema.problems(null));
    }

    @Test
    void danglingLocalReferenceIsRefusedAtCompileTime() {
        assertThrows(IllegalArgumentException.class,
                () -> InputSchema.compile(Map.of("properties", Map.of("who", Map.of("$ref", "#/$defs/nothing")))));
    }

    @Test
    void localReferencesWork() {
        InputSchema withDefs = InputSchema.compile(Map.of(
                "$defs", Map.of("name", Map.of("type", "string")),
                "properties", Map.of("who", Map.of("$ref", "#/$defs/name"))));
        assertEquals(List.of("input.who: must be a string"), withDefs.problems(Map.of("who", 1)));
    }
}
