package dev.braid.server.budgets;

import dev.braid.components.model.ModelComponent;
import dev.braid.engine.runtime.DeployedVersion;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.errors.ApiProblem;
import dev.braid.server.invoke.InvokeResponse;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Budgets on pipeline invokes: a key's {@code usdPerMonth} and a pipeline's
 * {@code braid.budgets.pipelines.<name>}. Before the call the worst case ({@link CostEstimate}) is
 * reserved under both; the answer settles it to the envelope's {@code usage.costUsd}; a failed
 * call releases it. A streamed answer keeps its reservation (its cost is not read back yet), which
 * errs on the side of never overspending.
 */
@Singleton
public class BudgetGate {

    private static final String ATTRIBUTE = "braid.budget";

    private final PipelineRuntime runtime;
    private final SpendLedger ledger;
    private final PipelineBudgets budgets;

    public BudgetGate(PipelineRuntime runtime, SpendLedger ledger, PipelineBudgets budgets) {
        this.runtime = runtime;
        this.ledger = ledger;
        this.budgets = budgets;
    }

    /** Null when the call may go ahead (its reservation is on the request); else the 429. */
    public ApiProblem reserve(HttpRequest<?> request, String keyId, BigDecimal keyUsdPerMonth, String pipeline) {
        List<SpendLedger.Limit> limits = new ArrayList<>();
        if (keyUsdPerMonth != null) {
            limits.add(new SpendLedger.Limit("key:" + keyId, micros(keyUsdPerMonth)));
        }
        Optional<BigDecimal> pipelineBudget = budgets.budgetUsd(pipeline);
        pipelineBudget.ifPresent(b -> limits.add(new SpendLedger.Limit("pipeline:" + pipeline, micros(b))));
        if (limits.isEmpty()) {
            return null;
        }
        Optional<DeployedVersion> active = runtime.activeDeployed(pipeline);
        if (active.isEmpty()) {
            return null; // the controller answers 404
        }
        long bytes = Math.max(0, request.getContentLength());
        double worst = CostEstimate.worstCaseUsd(active.get().spec(), prices(), bytes);
        SpendLedger.Reservation reservation = ledger.reserve(limits, SpendLedger.micros(worst));
        if (reservation == null) {
            return new ApiProblem(429, "budget_exceeded", "this call could exceed the monthly budget of "
                    + (pipelineBudget.isPresent() && keyUsdPerMonth == null ? "pipeline " + pipeline : "this key or pipeline"),
                    null, List.of(), untilNextMonth());
        }
        request.setAttribute(ATTRIBUTE, reservation);
        return null;
    }

    /** Settles the request's reservation from its answer (the actual cost), or releases it on failure. */
    public void settle(HttpRequest<?> request, MutableHttpResponse<?> response) {
        SpendLedger.Reservation reservation = request.getAttribute(ATTRIBUTE, SpendLedger.Reservation.class).orElse(null);
        if (reservation == null) {
            return;
        }
        request.removeAttribute(ATTRIBUTE, SpendLedger.Reservation.class);
        Object body = response.getBody().orElse(null);
        if (body instanceof InvokeResponse invoked && invoked.usage() != null) {
            ledger.settle(reservation, SpendLedger.micros(invoked.usage().costUsd()));
        } else if (response.code() >= 400) {
            ledger.settle(reservation, 0);
        }
        // else: a stream; the reservation stands
    }

    private dev.braid.components.model.PriceTable prices() {
        return runtime.camelContext().getComponent(ModelComponent.SCHEME, ModelComponent.class).getPrices();
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
