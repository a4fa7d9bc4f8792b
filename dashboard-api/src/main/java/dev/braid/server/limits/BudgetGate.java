package dev.braid.server.limits;

import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.tokens.TokenCounter;
import dev.braid.engine.runtime.DeployedVersion;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.server.http.ApiProblem;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budgets on every paid call: a key's {@code usdPerMonth} and a pipeline's
 * {@code braid.budgets.pipelines.<name>}. Before the call the worst case is reserved under each
 * budget it falls under ({@link CostEstimate} for pipelines, the priciest target for model calls);
 * the call's {@link RequestSpend} then settles it once to the actual cost when the answer ends
 * (a plain answer, the end of a stream, the cost of what a broken stream produced), or releases it
 * when the call failed.
 */
@Singleton
public class BudgetGate {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGate.class);

    private final PipelineRuntime runtime;
    private final ModelGateway models;
    private final SpendLedger ledger;
    private final PipelineBudgets budgets;

    public BudgetGate(PipelineRuntime runtime, ModelGateway models, SpendLedger ledger, PipelineBudgets budgets) {
        this.runtime = runtime;
        this.models = models;
        this.ledger = ledger;
        this.budgets = budgets;
    }

    /**
     * Starts metering one paid call: its reservation (if any budget applies, set by a
     * {@code reserve…} method) and, when {@code tokens} is not null, the tokens it uses, counted
     * there once it ends.
     */
    public RequestSpend open(LongConsumer tokens) {
        return RequestSpend.open(ledger, tokens);
    }

    /**
     * A pipeline call ({@code /v1/pipelines/<name>/invoke}, or {@code pipeline/<name>} on the chat
     * API) under the key's {@code usdPerMonth} (when the key has one) and the pipeline's budget.
     * Completes with null when the call may go ahead (its reservation is on {@code spend}); else
     * with the 429.
     *
     * @param key the caller's limits, or null for a caller without a key
     * @param requestBytes the request body's size, which bounds the prompt
     */
    public CompletionStage<ApiProblem> reserve(RequestSpend spend, KeyQuota key, String pipeline, long requestBytes) {
        BigDecimal keyUsdPerMonth = key == null ? null : key.usdPerMonth();
        List<SpendLedger.Limit> limits = new ArrayList<>();
        if (keyUsdPerMonth != null) {
            limits.add(new SpendLedger.Limit("key:" + key.keyId(), micros(keyUsdPerMonth)));
        }
        Optional<BigDecimal> pipelineBudget = budgets.budgetUsd(pipeline);
        pipelineBudget.ifPresent(b -> limits.add(new SpendLedger.Limit("pipeline:" + pipeline, micros(b))));
        Optional<DeployedVersion> active = runtime.activeDeployed(pipeline);
        if (active.isEmpty()) {
            return CompletableFuture.completedFuture(null); // the call answers 404
        }
        PipelineSpec spec = active.get().spec();
        PriceTable prices = prices();
        long bytes = Math.max(0, requestBytes);
        spend.estimateWith(seen -> CostEstimate.streamStep(spec, prices, bytes, seen), TokenCounter.standard());
        if (limits.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        double worst = CostEstimate.worstCaseUsd(spec, prices, bytes);
        String whose = pipelineBudget.isPresent() && keyUsdPerMonth == null ? "pipeline " + pipeline : "this key or pipeline";
        return reserve(spend, limits, worst, "this call could exceed the monthly budget of " + whose);
    }

    /**
     * A direct chat call ({@code /v1/chat/completions} on a provider model or alias) under the
     * key's {@code usdPerMonth} (when the key has one): reserves the priciest target at
     * {@code maxTokens} (else {@link CostEstimate#DEFAULT_MAX_OUTPUT}) with the prompt estimated from
     * the body's size. Completes with null when the call may go ahead.
     */
    public CompletionStage<ApiProblem> reserveModelCall(
            RequestSpend spend, KeyQuota key, List<Target> targets, Integer maxTokens, long requestBytes) {
        long output = maxTokens != null ? maxTokens : CostEstimate.DEFAULT_MAX_OUTPUT;
        return reserveModel(spend, key, targets, CostEstimate.promptTokens(requestBytes), output);
    }

    /**
     * An embeddings call under the key's {@code usdPerMonth} (when the key has one): the inputs'
     * size as tokens (two characters a token, like every estimate here) at the priciest target's
     * input price.
     */
    public CompletionStage<ApiProblem> reserveEmbeddings(
            RequestSpend spend, KeyQuota key, List<Target> targets, List<String> inputs) {
        long prompt = 0;
        for (String input : inputs) {
            prompt += CostEstimate.promptTokens(input.length());
        }
        return reserveModel(spend, key, targets, prompt, 0);
    }

    private CompletionStage<ApiProblem> reserveModel(RequestSpend spend, KeyQuota key, List<Target> targets,
            long prompt, long output) {
        BigDecimal keyUsdPerMonth = key == null ? null : key.usdPerMonth();
        PriceTable prices = prices();
        List<Target> priced = List.copyOf(targets);
        // a broken stream does not say which target served it: the priciest one bounds the cost
        spend.estimateWith(seen -> Usage.of(prompt, seen, priciest(prices, priced, prompt, seen), true),
                priced.isEmpty() ? TokenCounter.standard() : TokenCounter.forModel(priced.get(0).model()));
        if (keyUsdPerMonth == null) {
            return CompletableFuture.completedFuture(null);
        }
        return reserve(spend, List.of(new SpendLedger.Limit("key:" + key.keyId(), micros(keyUsdPerMonth))),
                priciest(prices, priced, prompt, output), "this call could exceed this key's monthly budget");
    }

    private CompletionStage<ApiProblem> reserve(RequestSpend spend, List<SpendLedger.Limit> limits, double worstUsd,
            String refusal) {
        return ledger.reserve(limits, SpendLedger.micros(worstUsd)).thenApply(reservation -> {
            if (reservation == null) {
                return new ApiProblem(429, "budget_exceeded", refusal, null, List.of(), untilNextMonth());
            }
            spend.reserved(reservation);
            return null;
        }).exceptionally(BudgetGate::limitsUnavailable);
    }

    /**
     * The shared limit store (Redis) failed or timed out: a key with limits is refused with 503
     * rather than let through unmetered (a budget must hold); keys without limits never ask it.
     */
    public static ApiProblem limitsUnavailable(Throwable failure) {
        LOG.warn("limits store unavailable, refusing a limited key's request: {}", failure.toString());
        return new ApiProblem(503, "limits_unavailable",
                "rate limits and budgets cannot be checked right now; retry shortly", null, List.of(), Duration.ofSeconds(1));
    }

    private static double priciest(PriceTable prices, List<Target> targets, long prompt, long output) {
        double worst = 0;
        for (Target t : targets) {
            worst = Math.max(worst, prices.costOf(t, prompt, output));
        }
        return worst;
    }

    private PriceTable prices() {
        return models.prices();
    }

    private static long micros(BigDecimal usd) {
        return usd.movePointRight(6).longValue();
    }

    private static Duration untilNextMonth() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime next = now.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC);
        return Duration.between(now, next);
    }
}
