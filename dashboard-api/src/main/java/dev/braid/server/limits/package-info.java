/**
 * What a key or a pipeline may spend: request rates and daily token quotas ({@link
 * dev.braid.server.limits.KeyLimits}), monthly budgets reserved before a paid call and settled
 * after it ({@link dev.braid.server.limits.BudgetGate}, {@link dev.braid.server.limits.RequestSpend},
 * {@link dev.braid.server.limits.SpendLedger}, {@link dev.braid.server.limits.CostEstimate}), the
 * counters behind them (in memory, or shared through Redis), and the refusal metric. Reads a key's
 * limits as a plain {@link dev.braid.server.limits.KeyQuota}, never the key itself.
 */
package dev.braid.server.limits;
