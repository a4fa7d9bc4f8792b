package dev.braid.server.budgets;

import dev.braid.components.guard.InjectionJudge;
import dev.braid.components.model.PriceTable;
import dev.braid.components.model.Target;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import java.util.List;

/**
 * The most a pipeline call can cost, reserved before it runs: for every model step (parallel
 * branches included) the priciest of its targets, with the prompt estimated generously from the
 * request's size plus the step's templates (two characters per token: real text averages about
 * four) and the completion at the step's {@code maxTokens} (else {@link #DEFAULT_MAX_OUTPUT}).
 * A guard's {@code classifier} counts as one more call: its judge prompt plus the request, and a
 * verdict of {@link InjectionJudge#MAX_TOKENS}. Failed attempts are not billed by providers, so one
 * successful call per step is the bound.
 */
public final class CostEstimate {

    public static final int DEFAULT_MAX_OUTPUT = 4096;

    private CostEstimate() {}

    public static double worstCaseUsd(PipelineSpec spec, PriceTable prices, long requestBytes) {
        return steps(spec.steps(), prices, requestBytes);
    }

    private static double steps(List<StepSpec> steps, PriceTable prices, long requestBytes) {
        double total = 0;
        for (StepSpec s : steps) {
            // Java 17: no pattern switch; only model steps (and the branches of parallel ones) cost money
            if (s.step() instanceof Step.Model m) {
                total += model(m, prices, requestBytes);
            } else if (s.step() instanceof Step.Guard g && g.classifier() != null) {
                total += classifier(g.classifier(), prices, requestBytes);
            } else if (s.step() instanceof Step.Parallel p) {
                total += steps(p.branches(), prices, requestBytes);
            }
        }
        return total;
    }

    private static double model(Step.Model m, PriceTable prices, long requestBytes) {
        long templates = length(m.messages()) + length(m.text());
        if (m.prompt() != null) {
            templates += length(m.prompt().system()) + length(m.prompt().user());
        }
        long prompt = (requestBytes + templates) / 2 + 16;
        long output = m.maxTokens() != null ? m.maxTokens() : DEFAULT_MAX_OUTPUT;
        double worst = 0;
        for (Target t : m.targets()) {
            worst = Math.max(worst, prices.costOf(t, prompt, output));
        }
        return worst;
    }

    /** A guard's judge: the request's text behind a fixed instruction, a verdict of at most {@link InjectionJudge#MAX_TOKENS}. */
    private static double classifier(Step.Classifier c, PriceTable prices, long requestBytes) {
        long prompt = (requestBytes + InjectionJudge.INSTRUCTION.length()) / 2 + 16;
        double worst = 0;
        for (Target t : c.targets()) {
            worst = Math.max(worst, prices.costOf(t, prompt, InjectionJudge.MAX_TOKENS));
        }
        return worst;
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }
}
