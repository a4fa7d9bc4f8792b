package dev.braid.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.braid.engine.spec.InvalidPipelineException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The shipped JSON Schema of the language and the reader agree on valid and invalid pipelines. */
class PipelineJsonSchemaTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Schema SCHEMA = load();

    private static Schema load() {
        try (InputStream in = PipelineReader.class.getResourceAsStream("/braid/pipeline.schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Error> schemaErrors(String yaml) {
        Object data = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        JsonNode node = MAPPER.valueToTree(data);
        return SCHEMA.validate(node);
    }

    @Test
    void theSchemaIsItselfAValidDraft202012Schema() throws Exception {
        JsonNode schema;
        try (InputStream in = PipelineReader.class.getResourceAsStream("/braid/pipeline.schema.json")) {
            schema = MAPPER.readTree(in);
        }
        assertEquals("https://braid.dev/schemas/pipeline-v1.json", schema.get("$id").asText());
        Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        assertEquals(List.of(), meta.validate(schema));
    }

    @Test
    void theSchemasTargetKeysAreProviderModelAndTheTargetOptions() throws Exception {
        JsonNode target;
        try (InputStream in = PipelineReader.class.getResourceAsStream("/braid/pipeline.schema.json")) {
            target = MAPPER.readTree(in).at("/$defs/target");
        }
        List<String> keys = new java.util.ArrayList<>();
        target.get("properties").fieldNames().forEachRemaining(keys::add);
        List<String> expected = new java.util.ArrayList<>(List.of("provider", "model"));
        expected.addAll(dev.braid.components.model.api.TargetOption.keys());
        assertEquals(expected, keys);
        assertFalse(target.get("additionalProperties").asBoolean(true), "a target is closed, as the reader's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"valid/customer-feedback.yaml", "valid/every-kind.yaml"})
    void validFixturesPassTheSchemaAndTheReader(String fixture) {
        String yaml = SpecAssertions.fixture(fixture);
        assertEquals(List.of(), schemaErrors(yaml));
        new PipelineReader().read(yaml);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "invalid/unknown-key.yaml",
        "invalid/unknown-target-key.yaml",
        "invalid/missing-targets.yaml",
        "invalid/bad-enum.yaml",
        "invalid/two-kinds.yaml",
        "invalid/bad-duration.yaml",
        "invalid/bad-name.yaml",
        "invalid/empty-steps.yaml"
    })
    void invalidFixturesAreRefusedByBoth(String fixture) {
        String yaml = SpecAssertions.fixture(fixture);
        assertFalse(schemaErrors(yaml).isEmpty(), "the schema accepted " + fixture);
        assertThrows(InvalidPipelineException.class, () -> new PipelineReader().read(yaml));
    }

    @Test
    void chatStepWithoutPromptOrMessagesIsRefusedByBoth() {
        String yaml = SpecAssertions.HEADER + "steps:\n  - id: a\n    model: { targets: [{ provider: mock, model: a }] }\n";
        assertTrue(!schemaErrors(yaml).isEmpty());
        assertThrows(InvalidPipelineException.class, () -> new PipelineReader().read(yaml));
    }

    @Test
    void modelCacheIsAcceptedWithATtlAndRefusedWithout() {
        String base = SpecAssertions.HEADER + "steps:\n  - id: a\n    model: { targets: [{ provider: mock, model: a }], "
                + "prompt: { user: hi }, cache: %s }\n";
        String ok = base.formatted("{ ttl: 10m, allowNonZeroTemperature: false }");
        assertEquals(List.of(), schemaErrors(ok));
        new PipelineReader().read(ok);
        for (String bad : List.of("{ allowNonZeroTemperature: true }", "{ ttl: 10m, extra: 1 }", "{ ttl: soon }")) {
            String yaml = base.formatted(bad);
            assertFalse(schemaErrors(yaml).isEmpty(), "the schema accepted " + bad);
            assertThrows(InvalidPipelineException.class, () -> new PipelineReader().read(yaml));
        }
    }

    @Test
    void outputMaskIsAcceptedAndItsMisusesRefusedByBoth() {
        String base = SpecAssertions.HEADER + "steps:\n  - id: a\n    model: { targets: [{ provider: mock, model: a }], "
                + "prompt: { user: hi } }\n%s";
        for (String ok : List.of(
                "  - id: m\n    mask: { output: true }\n",
                "  - id: m\n    mask: { output: true, entities: [EMAIL, PHONE], custom: { TICKET: 'TCK-[0-9]{6}' } }\n",
                "  - id: m\n    mask: { entities: [EMAIL], output: false, restore: true }\n")) {
            String yaml = base.formatted(ok);
            assertEquals(List.of(), schemaErrors(yaml), ok);
            new PipelineReader().read(yaml);
        }
        for (String bad : List.of(
                "  - id: m\n    mask: { output: true, restore: true }\n",
                "  - id: m\n    mask: { output: true, restore: false }\n",
                "  - id: m\n    mask: { output: true, fields: [input.text] }\n",
                "  - id: m\n    mask: { output: yes please }\n",
                "  - id: m\n    when: 'true'\n    mask: { output: true }\n",
                "  - id: p\n    parallel: { branches: [{ id: m, mask: { output: true } }] }\n")) {
            String yaml = base.formatted(bad);
            assertFalse(schemaErrors(yaml).isEmpty(), "the schema accepted " + bad);
            assertThrows(InvalidPipelineException.class, () -> new PipelineReader().read(yaml), bad);
        }
    }

    @Test
    void fallbackTriggersAreAcceptedAndUnknownOnesRefusedByBoth() {
        String base = SpecAssertions.HEADER + "steps:\n  - id: a\n    model: { targets: [{ provider: mock, model: a }], "
                + "prompt: { user: hi }, on: %s }\n";
        String ok = base.formatted("[429, 5xx, 408, timeout, connect]");
        assertEquals(List.of(), schemaErrors(ok));
        new PipelineReader().read(ok);
        for (String bad : List.of("[]", "[4xx]", "5xx")) {
            String yaml = base.formatted(bad);
            assertFalse(schemaErrors(yaml).isEmpty(), "the schema accepted " + bad);
            assertThrows(InvalidPipelineException.class, () -> new PipelineReader().read(yaml));
        }
    }

    @Test
    void guardClassifiersAreAcceptedAndMisusedOnesRefusedByBoth() {
        String base = SpecAssertions.HEADER + "steps:\n  - id: r\n    transform: { jsonata: input }\n  - id: g\n"
                + "    guard: %s\n";
        String judge = "classifier: { targets: [{ provider: openai, model: gpt-4o-mini }]";
        for (String ok : List.of(
                "{ " + judge + " } }",
                "{ promptInjection: flag, " + judge + ", threshold: 0.8, timeout: 5s, retries: 1, strategy: fallback,"
                        + " on: [5xx, timeout] }, onClassifierError: block }",
                "{ maxInputTokens: 10, " + judge + ", threshold: 0 }, onClassifierError: allow }")) {
            String yaml = base.formatted(ok);
            assertEquals(List.of(), schemaErrors(yaml), ok);
            new PipelineReader().read(yaml);
        }
        for (String bad : List.of(
                "{ " + judge + ", threshold: 1.5 } }",
                "{ " + judge + ", treshold: 0.8 } }",
                "{ " + judge + " }, onClassifierError: sometimes }",
                "{ classifier: { targets: [] } }",
                "{ classifier: { threshold: 0.8 } }",
                "{ promptInjection: block, onClassifierError: block }",
                "{ output: true, " + judge + " } }")) {
            String yaml = base.formatted(bad);
            assertFalse(schemaErrors(yaml).isEmpty(), "the schema accepted " + bad);
            assertThrows(InvalidPipelineException.class, () -> new PipelineReader().read(yaml), bad);
        }
    }
}
