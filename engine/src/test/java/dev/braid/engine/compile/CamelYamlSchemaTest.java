package dev.braid.engine.compile;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The compiler's output is valid Camel YAML DSL as Camel's own JSON Schema defines it (camel-yaml-dsl's camelYamlDsl.json). */
class CamelYamlSchemaTest {

    static Schema camelSchema;

    @BeforeAll
    static void loadSchema() throws Exception {
        try (InputStream in = PipelineCompiler.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertNotNull(in, "camel-yaml-dsl ships schema/camelYamlDsl.json");
            camelSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        }
    }

    static List<Error> validate(String yaml) {
        JsonNode node = new ObjectMapper().valueToTree(new Load(LoadSettings.builder().build()).loadFromString(yaml));
        return camelSchema.validate(node);
    }

    @Test
    void compiledPipelinesMatchCamelsSchema() {
        String yaml = new PipelineCompiler().compile(PipelineCompilerTest.feedback(), 3).camelYaml();
        assertEquals(List.of(), validate(yaml), yaml);
    }

    @Test
    void theSchemaCheckCatchesAMisspeltProcessor() {
        String yaml = new PipelineCompiler().compile(PipelineCompilerTest.feedback(), 3).camelYaml()
                .replace("- multicast:", "- multicastt:");
        assertFalse(validate(yaml).isEmpty());
    }

    @Test
    void everyStepKindOfTheReadersFixtureMatchesCamelsSchema() throws Exception {
        String source;
        try (InputStream in = getClass().getResourceAsStream("/dev/braid/engine/read/valid/every-kind.yaml")) {
            source = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String yaml = new PipelineCompiler().compile(new dev.braid.engine.read.PipelineReader().read(source), 1).camelYaml();
        assertEquals(List.of(), validate(yaml), yaml);
    }

    @Test
    void aGuardWithAClassifierUnderWhenMatchesCamelsSchema() {
        String yaml = new PipelineCompiler().compile(new dev.braid.engine.read.PipelineReader().read("""
                apiVersion: braid/v1
                kind: Pipeline
                name: judged
                steps:
                  - id: check
                    when: "$exists(input.text)"
                    guard: { promptInjection: flag, classifier: { targets: [{ provider: mock, model: judge }] } }
                """), 1).camelYaml();
        assertTrue(yaml.contains("model:chat?step=judged/1/check"), yaml);
        assertEquals(List.of(), validate(yaml), yaml);
    }
}
