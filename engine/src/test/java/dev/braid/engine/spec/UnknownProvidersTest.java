package dev.braid.engine.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.read.PipelineReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Targets naming a provider nobody configured are reported with the step's position, in every place targets live. */
class UnknownProvidersTest {

    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: typos
            steps:
              - id: check
                guard:
                  classifier: { targets: [{ provider: mock, model: judge }, { provider: judgy, model: j }] }
              - id: fan
                parallel:
                  branches:
                    - id: ask
                      model:
                        task: chat
                        targets: [{ provider: opneai, model: gpt-4o-mini }, { provider: mock, model: any }]
                        prompt: { user: "hi" }
              - id: last
                model: { task: chat, targets: [{ provider: mock, model: any }], prompt: { user: "hi" } }
            """;

    @Test
    void everyUnknownProviderIsNamedWithWhereItsStepStands() {
        PipelineSpec spec = new PipelineReader().read(YAML);
        List<UnknownProviders.Warning> warnings = UnknownProviders.in(spec, Set.of("mock", "local")::contains);
        assertEquals(2, warnings.size(), warnings.toString());

        UnknownProviders.Warning judge = warnings.get(0);
        assertEquals("steps[0].guard.classifier.targets[1].provider", judge.path());
        assertEquals(5, judge.line());
        assertTrue(judge.message().contains("'judgy'") && judge.message().contains("fall back"), judge.message());

        UnknownProviders.Warning typo = warnings.get(1);
        assertEquals("steps[1].parallel.branches[0].model.targets[0].provider", typo.path());
        assertEquals(11, typo.line());
        assertTrue(typo.message().contains("step 'ask' names provider 'opneai'"), typo.message());
    }

    @Test
    void knownProvidersGiveNoWarning() {
        PipelineSpec spec = new PipelineReader().read(YAML);
        assertEquals(List.of(), UnknownProviders.in(spec, p -> true));
    }
}
