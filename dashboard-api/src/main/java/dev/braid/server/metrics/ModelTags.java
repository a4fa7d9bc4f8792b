package dev.braid.server.metrics;

import dev.braid.components.model.PriceTable;
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
        if (provider != null && prices.priceOf(provider, bare).isPresent()) {
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

    String provider(String provider) {
        // provider names come from config (braid.providers.*) or the built-in set; an unknown one never routes
        return provider == null ? "none" : provider.length() > 40 ? OTHER : provider;
    }
}
