package dev.braid.components.model.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.model.api.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * List prices in USD per one million tokens, keyed {@code provider/model}. A key
 * {@code provider/*} prices every model of a provider; a dated model name
 * ({@code gpt-4o-mini-2024-07-18}) takes the price of its longest listed prefix ({@code gpt-4o-mini}).
 *
 * <p>The shipped table ({@code prices.json}, its {@code asOf} date inside) is a default; config
 * overrides entries with {@link #override}. Unknown models cost 0 and sort last for
 * {@link dev.braid.components.model.routing.RoutingStrategy#CHEAPEST}.
 */
public final class PriceTable {

    public static final String RESOURCE = "/dev/braid/components/model/prices.json";

    /** Input and output price in USD per one million tokens. */
    public record Price(double inputPerMillion, double outputPerMillion) {
        public Price {
            if (inputPerMillion < 0 || outputPerMillion < 0) {
                throw new IllegalArgumentException("prices must be >= 0");
            }
        }

        /** The sum of both prices: what CHEAPEST orders by. */
        public double blended() {
            return inputPerMillion + outputPerMillion;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile Map<String, Price> shipped;

    private final Map<String, Price> prices = new ConcurrentHashMap<>();
    private final String asOf;

    private PriceTable(Map<String, Price> prices, String asOf) {
        this.prices.putAll(prices);
        this.asOf = asOf;
    }

    /** A fresh table holding the shipped prices; overrides on it affect only this table. */
    public static PriceTable standard() {
        try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PriceTable empty() {
        return new PriceTable(Map.of(), null);
    }

    /** Reads a table in the shape of the shipped {@code prices.json}. */
    public static PriceTable read(InputStream json) throws IOException {
        JsonNode root = JSON.readTree(json);
        Map<String, Price> map = new ConcurrentHashMap<>();
        JsonNode entries = root.path("prices");
        for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), new Price(
                    e.getValue().path("input").asDouble(0), e.getValue().path("output").asDouble(0)));
        }
        return new PriceTable(map, root.path("asOf").asText(null));
    }

    /** The date the shipped prices were copied from the providers' price pages. */
    public String asOf() {
        return asOf;
    }

    /** Sets (or replaces) the price of {@code provider/model} or {@code provider/*}. */
    public PriceTable override(String key, Price price) {
        if (key == null || !key.contains("/")) {
            throw new IllegalArgumentException("a price key is provider/model or provider/*, got '" + key + "'");
        }
        prices.put(key, price);
        return this;
    }

    public Optional<Price> priceOf(Target target) {
        return priceOf(target.provider(), target.model());
    }

    public Optional<Price> priceOf(String provider, String model) {
        String exact = provider + "/" + model;
        Price p = prices.get(exact);
        if (p != null) {
            return Optional.of(p);
        }
        // longest listed prefix ending at a '-' boundary: dated and suffixed model names
        String best = null;
        for (String key : prices.keySet()) {
            if (exact.startsWith(key) && exact.charAt(key.length()) == '-'
                    && (best == null || key.length() > best.length())) {
                best = key;
            }
        }
        if (best != null) {
            return Optional.of(prices.get(best));
        }
        return Optional.ofNullable(prices.get(provider + "/*"));
    }

    /** USD cost of a call; 0 when the model has no listed price. */
    public double costOf(Target target, long promptTokens, long completionTokens) {
        return priceOf(target)
                .map(p -> (promptTokens * p.inputPerMillion() + completionTokens * p.outputPerMillion()) / 1_000_000.0)
                .orElse(0.0);
    }
}
