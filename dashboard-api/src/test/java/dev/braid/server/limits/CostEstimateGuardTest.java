package dev.braid.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.braid.components.guard.InjectionJudge;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.engine.read.PipelineReader;
import dev.braid.engine.spec.PipelineSpec;
import org.junit.jupiter.api.Test;

/** A guard's classifier is a model call: the worst case counts it like one. */
class CostEstimateGuardTest {

    private static PipelineSpec spec(String guard) {
        return new PipelineReader().read("""
                apiVersion: braid/v1
                kind: Pipeline
                name: judged
                steps:
                  - id: check
                    guard: %s
                """.formatted(guard));
    }

    @Test
    void theClassifiersPriciestTargetIsReservedForItsPromptAndAFullVerdict() {
        // $1 per million prompt tokens, $10 per million completion tokens; the cheap judge costs a tenth
        PriceTable prices = PriceTable.empty()
                .override("openai/judge", new PriceTable.Price(1.0, 10.0))
                .override("openai/cheap", new PriceTable.Price(0.1, 1.0));
        long requestBytes = 1000;
        long prompt = (requestBytes + InjectionJudge.INSTRUCTION.length()) / 2 + 16;
        double expected = (prompt * 1.0 + InjectionJudge.MAX_TOKENS * 10.0) / 1_000_000.0;
        PipelineSpec judged = spec("{ promptInjection: block, classifier: { targets: "
                + "[{ provider: openai, model: cheap }, { provider: openai, model: judge }] } }");
        assertEquals(expected, CostEstimate.worstCaseUsd(judged, prices, requestBytes), 1e-12);
        assertEquals(0.0, CostEstimate.worstCaseUsd(spec("{ promptInjection: block }"), prices, requestBytes),
                "heuristics alone cost nothing");
    }
}
