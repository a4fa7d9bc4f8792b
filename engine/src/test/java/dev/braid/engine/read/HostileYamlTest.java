package dev.braid.engine.read;

import static dev.braid.engine.read.SpecAssertions.HEADER;
import static dev.braid.engine.read.SpecAssertions.assertAt;
import static dev.braid.engine.read.SpecAssertions.error;
import static dev.braid.engine.read.SpecAssertions.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.ReaderLimits;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.ValidationError;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hostile documents fail fast with InvalidPipelineException, never another exception, never OOM. */
class HostileYamlTest {

    private static final Duration FAST = Duration.ofSeconds(5);

    @Test
    void billionLaughsIsRefusedAtTheAliasOverTheLimit() {
        StringBuilder yaml = new StringBuilder(HEADER + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        yaml.append("steps: [{ id: x, transform: { jsonata: input } }]\n");
        List<ValidationError> errors =
                assertTimeoutPreemptively(FAST, () -> errors(yaml.toString()));
        ValidationError e = error(errors, "more than 20 aliases");
        // The 21st alias: 9 on line 5, 9 on line 6, then the 3rd alias of line 7.
        assertAt(e, 7, 20, "");
    }

    @Test
    void aFewAliasesAreAllowed() {
        PipelineSpec spec = new PipelineReader().read(HEADER + """
                steps:
                  - id: a
                    model:
                      targets: &targets [{ provider: mock, model: a }]
                      prompt: { user: hi }
                  - id: b
                    model:
                      targets: *targets
                      prompt: { user: hi }
                """);
        assertEquals(((Step.Model) spec.steps().get(0).step()).targets(), ((Step.Model) spec.steps().get(1).step()).targets());
    }

    @Test
    void aliasesCanBeRefusedOutright() {
        List<ValidationError> errors = errors(new PipelineReader(new ReaderLimits(1024, 64, 0), Set.of()),
                HEADER + "x: &a [1]\ny: *a\nsteps: []\n");
        assertAt(error(errors, "aliases (*a) are not allowed"), 5, 4, "");
    }

    @Test
    void aStepRepeatedThroughAnAliasIsADuplicateId() {
        ValidationError e = error(errors(HEADER + "steps:\n  - &s { id: a, transform: { jsonata: input } }\n  - *s\n"),
                "duplicate step id");
        assertEquals("duplicate step id 'a' (first used on line 5)", e.message());
    }

    @Test
    void recursiveAliasIsRefused() {
        ValidationError e = error(errors(HEADER + "loop: &a [1, *a]\nsteps: []\n"), "contains it");
        assertAt(e, 4, 14, "");
    }

    @Test
    void tenThousandDeepFlowListIsRefusedBeforeComposing() {
        String yaml = HEADER + "steps: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        ValidationError e = error(assertTimeoutPreemptively(FAST, () -> errors(yaml)), "nesting");
        assertEquals("nesting is deeper than 64 levels", e.message());
        // Depth 1 is the top-level map, so the 64th '[' (column 8 + 63) is the one too deep.
        assertAt(e, 4, 71, "");
    }

    @Test
    void evenAHugeDepthLimitNeverLetsAnotherExceptionOut() {
        // The pre-scan is what makes the default safe; this shows the last line of defence.
        PipelineReader lax = new PipelineReader(new ReaderLimits(4 * 1024 * 1024, 1_000_000, 20), Set.of());
        String yaml = HEADER + "steps: " + "[".repeat(12_000) + "]".repeat(12_000) + "\n";
        List<ValidationError> errors = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> errors(lax, yaml));
        // With a 1 MB stack the recursive composer overflows here ("nesting is too deep to read");
        // with a bigger one the tree is built and steps[0] is refused. Either way: one error, no crash.
        assertEquals(1, errors.size(), errors.toString());
    }

    @Test
    void deeplyNestedJsonataAndRegexAreErrorsAtTheirValue() {
        String parens = "(".repeat(60_000);
        List<ValidationError> errors = errors(HEADER + "steps:\n  - id: a\n    transform: { jsonata: \"" + parens
                + "\" }\n  - id: m\n    mask: { custom: { DEEP: \"" + parens + "\" } }\n");
        assertEquals(List.of("steps[0].transform.jsonata", "steps[1].mask.custom.DEEP"),
                errors.stream().map(ValidationError::path).toList(), errors.toString());
    }

    @Test
    void tenThousandDeepFlowMapIsRefused() {
        String yaml = HEADER + "steps: " + "{a: ".repeat(10_000) + "1" + "}".repeat(10_000) + "\n";
        ValidationError e = error(assertTimeoutPreemptively(FAST, () -> errors(yaml)), "nesting");
        assertEquals(4, e.line());
    }

    @Test
    void deepBlockNestingIsRefused() {
        StringBuilder yaml = new StringBuilder(HEADER);
        for (int i = 0; i < 100; i++) {
            yaml.append(" ".repeat(i)).append("k:\n");
        }
        ValidationError e = error(errors(yaml.toString()), "nesting");
        assertEquals(68, e.line()); // the map opened on line n is at depth n - 3
    }

    @Test
    void customTagsAreRefusedAndNeverInstantiated() {
        for (String tag : List.of("!!java.net.URL", "!!python/object:os.system", "!foo", "!!java.lang.Runtime")) {
            List<ValidationError> errors = errors(HEADER + "description: " + tag + " \"http://example.com\"\nsteps: []\n");
            ValidationError e = error(errors, "is not allowed (custom tags are never instantiated)");
            assertAt(e, 4, 14, "");
        }
        ValidationError onMap = error(errors(HEADER + "input: !!javax.script.ScriptEngineManager [x]\nsteps: []\n"), "tag");
        assertAt(onMap, 4, 8, "");
    }

    @Test
    void standardTagsAreAccepted() {
        PipelineSpec spec = new PipelineReader().read(HEADER + "description: !!str 42\nsteps: [{ id: a, transform: { jsonata: input } }]\n");
        assertEquals("42", spec.description());
    }

    @Test
    void duplicateKeysPointAtTheDuplicate() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: a
                    transform: { jsonata: input, jsonata: steps }
                name: again
                """);
        assertAt(error(errors, "duplicate key 'jsonata'"), 6, 34, "steps[0].transform.jsonata");
        assertAt(error(errors, "duplicate key 'name'"), 7, 1, "name");
    }

    @Test
    void duplicateKeysInsideFreeFormDataAreFoundToo() {
        List<ValidationError> errors = errors(HEADER + """
                input:
                  properties:
                    text: { type: string, type: number }
                steps:
                  - id: c
                    camel: { steps: [ { log: a, log: b } ] }
                """);
        assertAt(error(errors, "duplicate key 'type'"), 6, 27, "input.properties.text.type");
        assertAt(error(errors, "duplicate key 'log'"), 9, 33, "steps[0].camel.steps[0].log");
    }

    @Test
    void nonStringKeysAreRefused() {
        ValidationError e = error(errors(HEADER + "steps:\n  - id: a\n    transform: { jsonata: input }\n    7: seven\n"),
                "keys must be strings");
        assertEquals("keys must be strings, got a number", e.message());
        assertAt(e, 7, 5, "steps[0]");
    }

    @Test
    void documentsLargerThanTheLimitAreRefusedBeforeParsing() {
        String yaml = HEADER + "description: \"" + "x".repeat(300 * 1024) + "\"\nsteps: []\n";
        ValidationError e = error(errors(yaml), "larger than");
        assertEquals("the pipeline is larger than 262144 bytes", e.message());
        assertAt(e, 1, 1, "");
        // Multi-byte characters count as bytes, not chars.
        String wide = HEADER + "description: \"" + "é".repeat(100) + "\"\nsteps: []\n";
        error(errors(new PipelineReader(new ReaderLimits(200, 64, 20), Set.of()), wide), "larger than 200 bytes");
    }

    @Test
    void multipleDocumentsAreRefusedAtTheSecond() {
        String one = HEADER + "steps: [{ id: a, transform: { jsonata: input } }]\n";
        ValidationError e = error(errors(one + "---\n" + one), "only one YAML document");
        assertAt(e, 5, 1, "");
    }

    @Test
    void syntaxErrorsCarryTheirPosition() {
        ValidationError e = error(errors(HEADER + "steps: [\n  - id: a\n"), "YAML syntax");
        assertTrue(e.line() >= 4, e.toString());
    }

    @Test
    void emptyAndNonMapDocumentsAreRefused() {
        assertEquals("the pipeline is empty", errors("").get(0).message());
        assertEquals("the pipeline is empty", errors("# nothing\n").get(0).message());
        assertEquals("expected a map, got a list", errors("- a\n- b\n").get(0).message());
        assertEquals("expected a map, got a string", errors("hello").get(0).message());
    }
}
