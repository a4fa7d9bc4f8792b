package dev.braid.engine.steps;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/PIPELINES.md, the pipeline reference, cannot silently drift from the code: it has a section for
 * every step kind of the registry, names every top-level key of the JSON Schema, and every key a kind's
 * schema definition allows appears in that kind's section.
 */
class PipelinesDocTest {

    private static final Path DOC = Path.of("..", "docs", "PIPELINES.md");

    private static JsonNode schema() throws IOException {
        try (InputStream in = PipelinesDocTest.class.getResourceAsStream("/braid/pipeline.schema.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static String section(String doc, String kind) {
        int start = doc.indexOf("\n### " + kind + "\n");
        assertTrue(start >= 0, "docs/PIPELINES.md has no section '### " + kind + "' for the registered step kind");
        int end = doc.indexOf("\n## ", start + 1);
        int next = doc.indexOf("\n### ", start + 1);
        if (next >= 0 && (end < 0 || next < end)) {
            end = next;
        }
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    @Test
    void everyRegisteredStepKindHasASectionWithEveryKeyOfItsSchema() throws IOException {
        String doc = Files.readString(DOC);
        JsonNode defs = schema().path("$defs");
        List<String> missing = new ArrayList<>();
        for (String kind : StepKinds.defaults().keywords()) {
            String section = section(doc, kind);
            defs.path(kind).path("properties").fieldNames().forEachRemaining(key -> {
                if (!section.contains("`" + key + "`")) {
                    missing.add(kind + "." + key);
                }
            });
            assertTrue(section.contains("```yaml"), "the " + kind + " section has no worked example");
        }
        assertTrue(missing.isEmpty(), "keys the schema allows but docs/PIPELINES.md does not describe: " + missing);
    }

    @Test
    void everyTopLevelAndStepKeyOfTheSchemaIsDescribed() throws IOException {
        String doc = Files.readString(DOC);
        JsonNode schema = schema();
        List<String> missing = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(key -> {
            if (!doc.contains("| `" + key + "` |")) {
                missing.add(key);
            }
        });
        schema.at("/$defs/step/properties").fieldNames().forEachRemaining(key -> {
            if (!doc.contains("`" + key + "`")) {
                missing.add("steps[]." + key);
            }
        });
        assertTrue(missing.isEmpty(), "keys missing from docs/PIPELINES.md's tables: " + missing);
    }

    @Test
    void theDocShowsTheEditorSchemaLineTheShippedPipelinesUse() throws IOException {
        String line = "# yaml-language-server: $schema=http://localhost:8080/schemas/pipeline.json";
        assertTrue(Files.readString(DOC).contains(line), "docs/PIPELINES.md shows the editor line");
        try (var files = Files.list(Path.of("..", "pipelines"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                assertTrue(Files.readString(p).startsWith(line + "\n"), p + " starts with the editor line");
            }
        }
    }
}
