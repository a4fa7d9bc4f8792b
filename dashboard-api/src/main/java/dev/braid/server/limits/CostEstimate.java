package dev.braid.server.limits;

import dev.braid.components.guard.InjectionJudge;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import java.util.List;

/**
 * The most a pipeline call can cost, reserved before it runs: for every model step (parallel
 * branches included) the priciest of its targets, with the prompt estimated generously from the
 * request's size plus the step's templates (two characters per token: real text averages about
 * four) and the completion at the step's {@code maxTokens} (else {@link #DEFAULT_MAX_OUTPUT}); a
 * guard's LLM judge likewise, with its verdict at {@link InjectionJudge#MAX_TOKENS}.
 * Failed attempts are not billed by providers, so one successful call per step is the bound.
 */
public final class CostEstimate {

    public static final int DEFAULT_MAX_OUTPUT = 4096;

    private CostEstimate() {}

    public static double worstCaseUsd(PipelineSpec spec, PriceTable prices, long requestBytes) {
        return walk(spec.steps(), prices, requestBytes).costUsd();
    }

    /**
     * What the {@code stream:} step of an invocation that ended early (failed, or its client left)
     * may have cost: the prompt estimate and the {@code streamedTokens} the caller was sent. The
     * steps that finished are billed from their own usage ({@code InvokeOptions.onFailure}), so only
     * the interrupted stream step is estimated. Zero for a pipeline without {@code stream:}.
     */
    public static Usage streamStep(PipelineSpec spec, PriceTable prices, long requestBytes, long streamedTokens) {
        StepSpec step = find(spec.steps(), spec.stream());
        if (step == null || !(step.step() instanceof Step.Model m)) {
            return Usage.ZERO;
        }
        return model(m, prices, requestBytes, Math.min(streamedTokens, maxOutput(m)));
    }

    private static StepSpec find(List<StepSpec> steps, String id) {
        for (StepSpec s : steps) {
            if (s.id().equals(id)) {
                return s;
            }
            if (s.step() instanceof Step.Parallel p) {
                StepSpec inBranch = find(p.branches(), id);
                if (inBranch != null) {
                    return inBranch;
                }
            }
        }
        return null;
    }

    /** The prompt a model call may send: its request's size (plus templates) at two characters a token. */
    public static long promptTokens(long chars) {
        return chars / 2 + 16;
    }

    private static Usage walk(List<StepSpec> steps, PriceTable prices, long requestBytes) {
        Usage total = Usage.ZERO;
        for (StepSpec s : steps) {
            // Java 17: no pattern switch; only model steps (and the branches of parallel ones) cost money
            if (s.step() instanceof Step.Model m) {
                total = total.plus(model(m, prices, requestBytes, null));
            } else if (s.step() instanceof Step.Guard g && g.classifier() != null) {
                total = total.plus(classifier(g.classifier(), prices, requestBytes));
            } else if (s.step() instanceof Step.Parallel p) {
                total = total.plus(walk(p.branches(), prices, requestBytes));
            }
        }
        return total;
    }

    /** @param output completion tokens, or null for the step's maximum */
    private static Usage model(Step.Model m, PriceTable prices, long requestBytes, Long output) {
        long templates = length(m.messages()) + length(m.text());
        if (m.prompt() != null) {
            templates += length(m.prompt().system()) + length(m.prompt().user());
        }
        long prompt = promptTokens(requestBytes + templates);
        long completion = output != null ? output : maxOutput(m);
        double worst = 0;
        for (Target t : m.targets()) {
            worst = Math.max(worst, prices.costOf(t, prompt, completion));
        }
        return Usage.of(prompt, completion, worst, true);
    }

    /** A guard's judge: the request's text behind a fixed instruction, a verdict of at most {@link InjectionJudge#MAX_TOKENS}. */
    private static Usage classifier(Step.Classifier c, PriceTable prices, long requestBytes) {
        long prompt = promptTokens(requestBytes + InjectionJudge.INSTRUCTION.length());
        double worst = 0;
        for (Target t : c.targets()) {
            worst = Math.max(worst, prices.costOf(t, prompt, InjectionJudge.MAX_TOKENS));
        }
        return Usage.of(prompt, InjectionJudge.MAX_TOKENS, worst, true);
    }

    private static long maxOutput(Step.Model m) {
        return m.maxTokens() != null ? m.maxTokens() : DEFAULT_MAX_OUTPUT;
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }
}
