package dev.braid.engine.steps.guard;

import dev.braid.components.guard.GuardAction;
import dev.braid.components.guard.GuardBlockedException;
import dev.braid.components.guard.GuardVerdict;
import dev.braid.components.guard.InjectionJudge;
import dev.braid.components.guard.InputGuard;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.camel.ModelStepBinding;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * A guard step's LLM judge as {@code model:chat} sees it. The step's route is
 * {@code guard:check} (the heuristics, which throw when they block, so the judge is never asked then)
 * followed by {@code model:chat} with this binding: the judge is an ordinary routed model call, so it
 * never blocks a thread, retries and falls back like a model step, and shows up in traces and usage as
 * the step's model. {@link #read} builds the judge's request from the (masked) input; {@link #write}
 * turns its verdict into the step's output, or blocks; {@link #failed} applies
 * {@code onClassifierError} to a judge that did not answer. The judge's own words never reach the caller.
 */
public final class GuardClassifierBinding implements ModelStepBinding {

    /** The rule a classifier block names in {@code guard_blocked}. */
    public static final String RULE = "classifier";

    /** Exchange property (suffixed with the step id) holding the heuristics' verdict until the judge answers. */
    static final String HEURISTIC_VERDICT = "BraidGuardHeuristicVerdict.";

    private final String id;
    private final RoutingPolicy routing;
    private final double threshold;
    private final GuardAction action;
    private final boolean blockOnError;

    /**
     * @param action what a score at or above {@code threshold} does: FLAG records it, anything else blocks
     * @param blockOnError whether a failing or unparseable judge blocks (else the input passes)
     */
    GuardClassifierBinding(String id, RoutingPolicy routing, double threshold, GuardAction action, boolean blockOnError) {
        this.id = id;
        this.routing = routing;
        this.threshold = threshold;
        this.action = action == GuardAction.FLAG ? GuardAction.FLAG : GuardAction.BLOCK;
        this.blockOnError = blockOnError;
    }

    public String id() {
        return id;
    }

    @Override
    public RoutingPolicy routing() {
        return routing;
    }

    @Override
    public ModelRequest read(Exchange exchange) {
        // the strings of the input as the guard checked them (masked when a mask step ran before)
        return InjectionJudge.request(String.join("\n\n", InputGuard.texts(PipelineContext.of(exchange).input())));
    }

    @Override
    public void write(Exchange exchange, ModelResponse response) {
        PipelineContext ctx = PipelineContext.of(exchange);
        String model = response.provider() + "/" + response.model();
        Optional<InjectionJudge.Judgement> judgement = InjectionJudge.parse(response.text());
        if (judgement.isEmpty()) {
            unusable(exchange, ctx, model, response.usage(), "unparseable");
            return;
        }
        double score = judgement.get().score();
        GuardVerdict heuristics = heuristics(exchange);
        if (score < threshold) {
            complete(ctx, heuristics, heuristics.flagged(), heuristics.rules(), score, null, model, response.usage());
            return;
        }
        if (action == GuardAction.BLOCK) {
            ctx.complete(id, null, new StepResult(id, StepStatus.FAILED, ctx.elapsedMs(id), model, response.usage(), "guard_blocked"));
            throw new GuardBlockedException(RULE, String.format(Locale.ROOT,
                    "guard blocked the input: rule %s (score %.2f, threshold %.2f)", RULE, score, threshold));
        }
        List<String> rules = new ArrayList<>(heuristics.rules());
        rules.add(RULE);
        complete(ctx, heuristics, true, rules, score, null, model, response.usage());
    }

    /**
     * A judge that is down (5xx, 429, timeout, refused connection) is what {@code onClassifierError}
     * is for. A judge that can never answer (its key is refused, its account is spent, its model or
     * provider does not exist, the request is rejected) is a configuration error: it fails the step with that error whatever
     * {@code onClassifierError} says, or {@code allow} would silently switch the judge off.
     */
    @Override
    public void failed(Exchange exchange, Throwable error) {
        // ModelProducer hands over the cause, not its CompletionException
        if (error instanceof ModelException model && !model.retryOnSameTarget()) {
            exchange.setException(model);
            return;
        }
        unusable(exchange, PipelineContext.of(exchange), null, null, "unavailable");
    }

    /** The judge gave no verdict: {@code onClassifierError} decides; the reason stays out of the answer. */
    private void unusable(Exchange exchange, PipelineContext ctx, String model, Usage usage, String why) {
        if (blockOnError) {
            ctx.complete(id, null, new StepResult(id, StepStatus.FAILED, ctx.elapsedMs(id), model, usage, "guard_blocked"));
            exchange.setException(new GuardBlockedException(RULE, "guard blocked the input: rule " + RULE
                    + " (the classifier gave no verdict and onClassifierError is block)"));
            return;
        }
        GuardVerdict heuristics = heuristics(exchange);
        complete(ctx, heuristics, heuristics.flagged(), heuristics.rules(), null, why, model, usage);
    }

    private GuardVerdict heuristics(Exchange exchange) {
        GuardVerdict v = exchange.getProperty(HEURISTIC_VERDICT + id, GuardVerdict.class);
        exchange.removeProperty(HEURISTIC_VERDICT + id);
        return v == null ? new GuardVerdict(false, 0, List.of()) : v;
    }

    /** The heuristics' output shape ({@code flagged, score, rules}) plus what the judge said. */
    private void complete(PipelineContext ctx, GuardVerdict heuristics, boolean flagged, List<String> rules,
            Double judgeScore, String error, String model, Usage usage) {
        Map<String, Object> classifier = new LinkedHashMap<>();
        classifier.put("score", judgeScore);
        if (error != null) {
            classifier.put("error", error);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flagged", flagged);
        out.put("score", judgeScore == null ? heuristics.score() : Math.max(heuristics.score(), judgeScore));
        out.put("rules", List.copyOf(rules));
        out.put("classifier", classifier);
        ctx.complete(id, out, new StepResult(id, StepStatus.OK, ctx.elapsedMs(id), model, usage, null));
    }
}
