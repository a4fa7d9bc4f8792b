package dev.braid.server.limits;

import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code braid.budgets.pipelines.<name>: <usd per UTC month>} — a cap on what one pipeline may
 * spend, whoever calls it. Read once per pipeline name (config does not change at run time).
 */
@Singleton
public class PipelineBudgets {

    private final Environment environment;
    private final Map<String, Optional<BigDecimal>> budgets = new ConcurrentHashMap<>();

    public PipelineBudgets(Environment environment) {
        this.environment = environment;
    }

    public Optional<BigDecimal> budgetUsd(String pipeline) {
        return budgets.computeIfAbsent(pipeline,
                name -> environment.getProperty("braid.budgets.pipelines." + name, BigDecimal.class));
    }
}
