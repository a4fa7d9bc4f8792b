package dev.braid.server.metrics;

import dev.braid.components.model.pricing.PriceTable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the {@code model} tag bounded: callers of {@code /v1/chat/completions} may name any
 * {@code provider/model}, and every distinct tag value is a new time series. Models the price table
 * knows always keep their name; others do until {@link #MAX_OTHERS} distinct ones were seen, then
 * they are {@code other}.
 */
final class ModelTags {

    static final int MAX_OTHERS = 50;
    static final String OTHER = "other";

    private final PriceTable prices;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    ModelTags(PriceTable prices) {
        this.prices = prices;
    }

    String tag(String provider, String model) {
        if (model == null) {
            return "none";
        }
        model = BoundedLabels.cap(model); // what is remembered and labelled is short (issue 13, item 1)
        String bare = provider != null && model.startsWith(provider + "/") ? model.substring(provider.length() + 1) : model;
        if (provider != null && listed(provider, bare)) {
            return model;
        }
        if (seen.contains(model)) {
            return model;
        }
        synchronized (seen) {
            if (seen.size() < MAX_OTHERS) {
                seen.add(model);
                return model;
            }
        }
        return OTHER;
    }

    // a price listed for the model itself; a provider's wildcard ("mock/*", "ollama/*") prices every
    // name a caller can invent, so it keeps no name out of the cap (it let 300 names through)
    private boolean listed(String provider, String bare) {
        var price = prices.priceOf(provider, bare).orElse(null);
        return price != null && price != prices.priceOf(provider, "\u0000").orElse(null);
    }

    String provider(String provider) {
        // provider names come from config (braid.providers.*) or the built-in set; an unknown one never routes
        return provider == null ? "none" : provider.length() > 40 ? OTHER : provider;
    }
}
