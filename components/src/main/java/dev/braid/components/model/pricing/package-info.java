/**
 * What a call costs: the {@link dev.braid.components.model.pricing.PriceTable} (USD per million prompt
 * and completion tokens per {@code provider/model}, shipped prices plus overrides). The router prices
 * every answer from it and the cheapest strategy orders targets by it; budgets read it to reserve.
 */
package dev.braid.components.model.pricing;
