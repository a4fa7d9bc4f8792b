package dev.braid.engine.read;

import static dev.braid.engine.read.SpecAssertions.HEADER;
import static dev.braid.engine.read.SpecAssertions.assertAt;
import static dev.braid.engine.read.SpecAssertions.error;
import static dev.braid.engine.read.SpecAssertions.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.ReaderLimits;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.ValidationError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per error kind: each asserts the message, the 1-based line and column, and the path. */
class PipelineValidationTest {

    @Test
    void unknownKeyPointsAtTheKeyWithASuggestion() {
        List<ValidationError> errors = errors(SpecAssertions.fixture("invalid/unknown-key.yaml"));
        ValidationError e = error(errors, "unknown key 'transfrom'");
        assertEquals("unknown key 'transfrom' (did you mean 'transform'?)", e.message());
        assertAt(e, 6, 5, "steps[0].transfrom");
        assertEquals(List.of(e), errors, "a misspelt kind is one error, not also 'needs a kind'");
    }

    @Test
    void unknownKeyFarFromEveryAllowedKeyHasNoSuggestion() {
        ValidationError e = error(errors(HEADER + "colour: blue\nsteps:\n  - id: a\n    transform: { jsonata: input }\n"),
                "unknown key");
        assertEquals("unknown key 'colour'", e.message());
        assertAt(e, 4, 1, "colour");
    }

    @Test
    void badDurationPointsAtTheValue() {
        ValidationError e = error(errors(SpecAssertions.fixture("invalid/bad-duration.yaml")), "duration");
        assertEquals("expected a duration such as 500ms, 10s or 2m, got '10 seconds'", e.message());
        assertAt(e, 8, 16, "steps[0].model.timeout");
    }

    @Test
    void duplicateStepIdPointsAtTheSecondIdAcrossBranches() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: a
                    transform: { jsonata: input }
                  - id: fan
                    parallel:
                      branches:
                        - id: a
                          transform: { jsonata: input }
                """);
        ValidationError e = error(errors, "duplicate step id");
        assertEquals("duplicate step id 'a' (first used on line 5)", e.message());
        assertAt(e, 10, 15, "steps[1].parallel.branches[0].id");
    }

    @Test
    void referenceToAnUnknownStepIsAnError() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: a }]
                      prompt: { user: "{{steps.nothere.text}}" }
                """);
        ValidationError e = error(errors, "unknown step");
        assertEquals("unknown step 'nothere'", e.message());
        assertAt(e, 8, 23, "steps[0].model.prompt.user");
    }

    @Test
    void referenceToALaterStepHasNotRunYet() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: first
                    model:
                      targets: [{ provider: mock, model: a }]
                      prompt: { user: "{{steps.second.text}}" }
                  - id: second
                    transform: { jsonata: input }
                """);
        ValidationError e = error(errors, "has not run yet");
        assertEquals("step 'second' has not run yet at this point", e.message());
        assertAt(e, 8, 23, "steps[0].model.prompt.user");
    }

    @Test
    void siblingBranchesCannotSeeEachOtherButLaterStepsSeeThemAll() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: fan
                    parallel:
                      branches:
                        - id: one
                          model: { task: sentiment, targets: [{ provider: mock, model: a }], text: "{{input.text}}" }
                        - id: two
                          model: { task: sentiment, targets: [{ provider: mock, model: a }], text: "{{steps.one.label}}" }
                  - id: after
                    model: { task: sentiment, targets: [{ provider: mock, model: a }], text: "{{steps.two.label}}" }
                """);
        assertEquals(1, errors.size(), errors.toString());
        ValidationError e = error(errors, "has not run yet");
        assertEquals("step 'one' has not run yet at this point", e.message());
        assertAt(e, 11, 84, "steps[0].parallel.branches[1].model.text");
    }

    @Test
    void aStepCannotReferToItself() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: me
                    aggregate: { jsonata: "steps", require: [me] }
                """), "has not run yet");
        assertAt(e, 6, 46, "steps[0].aggregate.require[0]");
    }

    @Test
    void jsonataNamingNoStepAtAllIsAnError() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: mood
                    model: { task: sentiment, targets: [{ provider: mock, model: a }], text: "{{input.text}}" }
                  - id: out
                    when: "$exists(steps.mood)"
                    aggregate:
                      jsonata: "{ 'label': steps.mod.label, 'note': 'see steps.other', 'x': input.steps.y }"
                """);
        assertEquals(1, errors.size(), errors.toString());
        ValidationError e = error(errors, "unknown step");
        assertEquals("unknown step 'mod' (did you mean 'mood'?)", e.message());
        assertAt(e, 10, 16, "steps[1].aggregate.jsonata");
    }

    @Test
    void wrongTypePointsAtTheValueAndNamesWhatWasFound() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: a }]
                      prompt:
                        user: [hello]
                """), "expected a string");
        assertEquals("expected a string, got a list", e.message());
        assertAt(e, 9, 15, "steps[0].model.prompt.user");
    }

    @Test
    void missingKindKeyPointsAtTheStep() {
        ValidationError e = error(errors(HEADER + "steps:\n  - id: lonely\n    when: \"true\"\n"), "exactly one of");
        assertEquals("a step needs exactly one of model, parallel, transform, aggregate, mask, guard, enrich, camel",
                e.message());
        assertAt(e, 5, 5, "steps[0]");
    }

    @Test
    void twoKindKeysPointAtTheSecond() {
        ValidationError e = error(errors(SpecAssertions.fixture("invalid/two-kinds.yaml")), "exactly one kind");
        assertEquals("a step has exactly one kind; found both 'transform' and 'guard'", e.message());
        assertAt(e, 7, 5, "steps[0].guard");
    }

    @Test
    void badNameIsRefused() {
        ValidationError e = error(errors(SpecAssertions.fixture("invalid/bad-name.yaml")), "name must be");
        assertAt(e, 3, 7, "name");
    }

    @Test
    void badApiVersionIsRefused() {
        ValidationError e = error(errors("""
                apiVersion: braid/v2
                kind: Pipeline
                name: x
                steps:
                  - id: a
                    transform: { jsonata: input }
                """), "apiVersion");
        assertEquals("unsupported apiVersion 'braid/v2' (expected braid/v1)", e.message());
        assertAt(e, 1, 13, "apiVersion");
    }

    @Test
    void missingRequiredKeysPointAtTheMapThatLacksThem() {
        List<ValidationError> errors = errors("kind: Pipeline\nname: x\nsteps:\n  - id: reply\n    model:\n      prompt: { user: hi }\n");
        assertAt(error(errors, "'apiVersion'"), 1, 1, "");
        assertAt(error(errors, "'targets'"), 6, 7, "steps[0].model");
    }

    @Test
    void badRegexInMaskCustomPointsAtTheRegex() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: redact
                    mask:
                      custom:
                        ORDER: "ORD-[0-9"
                """), "regular expression");
        assertTrue(e.message().startsWith("not a valid regular expression: "), e.message());
        assertAt(e, 8, 16, "steps[0].mask.custom.ORDER");
    }

    @Test
    void badJsonataPointsAtTheExpression() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: shape
                    when: "input.x = "
                    transform:
                      jsonata: "{ 'a': "
                """);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.stream().allMatch(x -> x.message().startsWith("JSONata: ")), errors.toString());
        assertAt(errors.get(0), 6, 11, "steps[0].when");
        assertAt(errors.get(1), 8, 16, "steps[0].transform.jsonata");
    }

    @Test
    void templateSyntaxErrorPointsInsideThePlainScalar() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: a }]
                      prompt:
                        user: Hello {{ input..text }} there
                """), "template");
        assertEquals("template: '{{ input..text }}' is not a reference such as {{input.text}}", e.message());
        assertAt(e, 9, 21, "steps[0].model.prompt.user");
    }

    @Test
    void templateSyntaxErrorInAQuotedScalarSkipsTheQuote() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: a }]
                      messages: "{{request.messages}}"
                """), "template");
        assertEquals("template: '{{request.messages}}' must start with input, steps or vars", e.message());
        assertAt(e, 8, 18, "steps[0].model.messages");
    }

    @Test
    void enrichWithAFileSchemeIsRefused() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: lookup
                    enrich: { url: "file:///etc/passwd" }
                """), "scheme");
        assertEquals("URL scheme 'file' is not allowed (allowed: http, https)", e.message());
        assertAt(e, 6, 20, "steps[0].enrich.url");
    }

    @Test
    void enrichWhoseSchemeComesFromATemplateIsRefused() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: lookup
                    enrich: { url: "{{input.url}}" }
                """), "http");
        assertEquals("the URL must start with http:// or https://", e.message());
    }

    @Test
    void chatStepNeedsPromptOrMessagesButNotBoth() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: a
                    model: { targets: [{ provider: mock, model: a }] }
                  - id: b
                    model:
                      targets: [{ provider: mock, model: a }]
                      prompt: { user: hi }
                      messages: "{{input.messages}}"
                  - id: c
                    model: { task: sentiment, targets: [{ provider: mock, model: a }], prompt: { user: hi } }
                """);
        assertAt(error(errors, "needs prompt or messages"), 6, 12, "steps[0].model");
        assertAt(error(errors, "not both"), 11, 7, "steps[1].model.messages");
        assertAt(error(errors, "needs text"), 13, 12, "steps[2].model");
        assertAt(error(errors, "does not take prompt"), 13, 72, "steps[2].model.prompt");
    }

    @Test
    void outOfRangeNumbersAndBadEnumsPointAtTheValue() {
        List<ValidationError> errors = errors(SpecAssertions.fixture("invalid/bad-enum.yaml").replace(
                "      prompt: { user: hi }\n", "      prompt: { user: hi }\n      retries: 9\n      temperature: 3.5\n"));
        ValidationError strategy = error(errors, "random");
        assertEquals("expected one of fallback, weighted, least-latency, cheapest, got 'random'", strategy.message());
        assertAt(strategy, 7, 17, "steps[0].model.strategy");
        assertAt(error(errors, "retries must be between 0 and 5, got 9"), 10, 16, "steps[0].model.retries");
        assertAt(error(errors, "temperature must be between 0 and 2"), 11, 20, "steps[0].model.temperature");
    }

    @Test
    void streamMustNameAChatStep() {
        List<ValidationError> errors = errors(HEADER + """
                stream: shape
                steps:
                  - id: shape
                    transform: { jsonata: input }
                """);
        assertAt(error(errors, "stream must name a chat model step"), 4, 9, "stream");
    }

    @Test
    void badInputSchemaIsReportedAtTheSchema() {
        ValidationError e = error(errors(HEADER + """
                input:
                  properties:
                    text: { type: strng }
                steps:
                  - id: a
                    transform: { jsonata: input }
                """), "JSON Schema");
        assertAt(e, 5, 3, "input");
        assertTrue(e.message().contains("input.properties.text.type"), e.message());
    }

    @Test
    void everyErrorIsReportedAtOnceSortedByPosition() {
        List<ValidationError> errors = errors("""
                apiVersion: braid/v9
                kind: Pipe
                name: BAD
                steps:
                  - id: a
                    transfrom: { jsonata: input }
                  - id: b
                    guard: { promptInjection: sometimes }
                """);
        assertEquals(List.of(1, 2, 3, 6, 8), errors.stream().map(ValidationError::line).toList(), errors.toString());
    }

    @Test
    void stepIdsMustMatchThePattern() {
        ValidationError e = error(errors(HEADER + "steps:\n  - id: 9lives\n    transform: { jsonata: input }\n"),
                "step id must start");
        assertAt(e, 5, 9, "steps[0].id");
    }

    @Test
    void maskFieldsMustBeUnderInput() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: m
                    mask: { entities: [EMAIL, PASSPORT], fields: [text] }
                """), "path under input");
        assertAt(e, 6, 51, "steps[0].mask.fields[0]");
        assertAt(error(errors(HEADER + "steps:\n  - id: m\n    mask: { entities: [PASSPORT] }\n"), "PASSPORT"), 6, 24,
                "steps[0].mask.entities[0]");
    }

    @Test
    void guardAndMaskNeedSomethingToDo() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: g
                    guard: { promptInjection: off }
                  - id: m
                    mask: { restore: true }
                """);
        assertAt(error(errors, "at least one check"), 6, 12, "steps[0].guard");
        assertAt(error(errors, "at least one entity"), 8, 11, "steps[1].mask");
    }

    @Test
    void outputMaskRefusesFieldsRestoreWhenAndBranchesWithLineAndColumn() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: a
                    model: { targets: [{ provider: mock, model: a }], prompt: { user: hi } }
                  - id: m
                    mask: { output: true, fields: [input.text], restore: true }
                  - id: n
                    when: "true"
                    mask: { output: true }
                  - id: p
                    parallel:
                      branches:
                        - id: q
                          mask: { output: true, entities: [EMAIL] }
                  - id: r
                    mask: { output: "yes" }
                """);
        assertAt(error(errors, "'fields' does not apply to an output mask"), 8, 27, "steps[1].mask.fields");
        assertAt(error(errors, "'restore' does not apply to an output mask"), 8, 49, "steps[1].mask.restore");
        assertAt(error(errors, "takes no 'when'"), 10, 5, "steps[2].when");
        assertAt(error(errors, "not a parallel branch"), 16, 19, "steps[3].parallel.branches[0].mask.output");
        assertAt(error(errors, "expected true or false, got 'yes'"), 18, 21, "steps[4].mask.output");
        assertEquals(5, errors.size(), errors.toString());
    }

    @Test
    void outputMaskWithoutEntitiesMasksEveryBuiltIn() {
        PipelineSpec spec = new PipelineReader().read(HEADER + """
                steps:
                  - id: a
                    model: { targets: [{ provider: mock, model: a }], prompt: { user: hi } }
                  - id: m
                    mask: { output: true }
                """);
        assertEquals(new Step.Mask(List.of(), Map.of(), List.of(), false, true), spec.steps().get(1).step());
    }

    @Test
    void camelStepIsCheckedWithTheConfiguredSchemes() {
        String yaml = HEADER + """
                steps:
                  - id: c
                    camel:
                      steps:
                        - to: "direct:audit"
                """;
        assertAt(error(errors(yaml), "endpoint scheme 'direct' is not allowed (allowed: log)"), 8, 15,
                "steps[0].camel.steps[0].to");
        PipelineSpec spec = new PipelineReader(ReaderLimits.DEFAULTS, Set.of("log", "direct")).read(yaml);
        assertEquals(List.of(java.util.Map.of("to", "direct:audit")), ((Step.Camel) spec.steps().get(0).step()).steps());
    }
}
