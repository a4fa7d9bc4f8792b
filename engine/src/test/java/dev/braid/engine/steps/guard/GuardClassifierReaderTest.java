package dev.braid.engine.steps.guard;

import static dev.braid.engine.read.SpecAssertions.HEADER;
import static dev.braid.engine.read.SpecAssertions.assertAt;
import static dev.braid.engine.read.SpecAssertions.error;
import static dev.braid.engine.read.SpecAssertions.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.braid.components.guard.GuardAction;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.read.PipelineReader;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.ValidationError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code guard: {classifier: …, onClassifierError: …}}: what is read, and what is refused where. */
class GuardClassifierReaderTest {

    private static Step.Guard guard(String yaml) {
        return (Step.Guard) new PipelineReader().read(yaml).steps().get(0).step();
    }

    @Test
    void aClassifierIsReadWithAModelStepsRouting() {
        Step.Guard g = guard(HEADER + """
                steps:
                  - id: check
                    guard:
                      promptInjection: flag
                      classifier:
                        strategy: cheapest
                        targets:
                          - { provider: openai, model: gpt-4o-mini }
                          - { provider: anthropic, model: claude-3-5-haiku-latest, weight: 2 }
                        threshold: 0.8
                        timeout: 5s
                        retries: 2
                        on: [5xx, timeout]
                      onClassifierError: block
                """);
        assertEquals(GuardAction.FLAG, g.promptInjection());
        assertEquals(new Step.Classifier(RoutingStrategy.CHEAPEST, List.of(Target.of("openai", "gpt-4o-mini"),
                new Target("anthropic", "claude-3-5-haiku-latest", Map.of("weight", "2"))), Duration.ofSeconds(5), 2,
                Set.of(FallbackTrigger.fromYamlName("5xx"), FallbackTrigger.fromYamlName("timeout")), 0.8),
                g.classifier());
        assertEquals(Step.OnClassifierError.BLOCK, g.onClassifierError());
    }

    @Test
    void aClassifierAloneIsACheckAndTakesDefaults() {
        Step.Guard g = guard(HEADER + """
                steps:
                  - id: check
                    guard: { classifier: { targets: [{ provider: mock, model: judge }] } }
                """);
        assertEquals(GuardAction.OFF, g.promptInjection());
        assertEquals(new Step.Classifier(RoutingStrategy.FALLBACK, List.of(Target.of("mock", "judge")),
                Duration.ofSeconds(10), 0, null, 0.5), g.classifier());
        assertEquals(Step.OnClassifierError.ALLOW, g.onClassifierError());
        assertNull(guard(HEADER + "steps:\n  - id: g\n    guard: { promptInjection: block }\n").classifier());
    }

    @Test
    void unknownKeysAndBadValuesArePointedAt() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: check
                    guard:
                      classifier:
                        targets: [{ provider: openai, model: gpt-4o-mini }]
                        treshold: 0.8
                        timeout: soon
                        strategy: random
                      onClassifierError: maybe
                      classifer: {}
                """);
        ValidationError typo = error(errors, "unknown key 'treshold'");
        assertEquals("unknown key 'treshold' (did you mean 'threshold'?)", typo.message());
        assertAt(typo, 9, 9, "steps[0].guard.classifier.treshold");
        assertAt(error(errors, "expected a duration"), 10, 18, "steps[0].guard.classifier.timeout");
        assertAt(error(errors, "got 'random'"), 11, 19, "steps[0].guard.classifier.strategy");
        ValidationError onError = error(errors, "got 'maybe'");
        assertEquals("expected one of allow, block, got 'maybe'", onError.message());
        assertAt(onError, 12, 26, "steps[0].guard.onClassifierError");
        assertAt(error(errors, "unknown key 'classifer'"), 13, 7, "steps[0].guard.classifer");
    }

    @Test
    void theThresholdIsBetweenZeroAndOne() {
        for (String bad : List.of("1.5", "-0.1", "high")) {
            List<ValidationError> errors = errors(HEADER + "steps:\n  - id: g\n    guard:\n      classifier:\n"
                    + "        targets: [{ provider: mock, model: j }]\n        threshold: " + bad + "\n");
            ValidationError e = error(errors, "threshold".equals(bad) ? "" : bad);
            assertAt(e, 9, 20, "steps[0].guard.classifier.threshold");
        }
    }

    @Test
    void targetsAreRequiredAndNotEmpty() {
        assertAt(error(errors(HEADER + "steps:\n  - id: g\n    guard: { classifier: { threshold: 0.9 } }\n"),
                "missing required key 'targets'"), 6, 26, "steps[0].guard.classifier");
        assertAt(error(errors(HEADER + "steps:\n  - id: g\n    guard: { classifier: { targets: [] } }\n"),
                "at least one target"), 6, 37, "steps[0].guard.classifier.targets");
        assertAt(error(errors(HEADER + "steps:\n  - id: g\n    guard: { classifier: [openai] }\n"),
                "expected a map"), 6, 26, "steps[0].guard.classifier");
    }

    @Test
    void onClassifierErrorNeedsAClassifierAndAnOutputGuardTakesNone() {
        assertAt(error(errors(HEADER + "steps:\n  - id: g\n    guard: { promptInjection: block, onClassifierError: block }\n"),
                "onClassifierError needs a classifier"), 6, 38, "steps[0].guard.onClassifierError");
        assertAt(error(errors(HEADER + "steps:\n  - id: r\n    transform: { jsonata: input }\n  - id: g\n"
                        + "    guard: { output: true, classifier: { targets: [{ provider: mock, model: j }] } }\n"),
                "output guard does not take a classifier"), 8, 28, "steps[1].guard.classifier");
    }
}
