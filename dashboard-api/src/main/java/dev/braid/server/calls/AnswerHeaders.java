package dev.braid.server.calls;

import io.micronaut.core.annotation.Nullable;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers every front door puts on a model answer (DESIGN.md, "More front doors"):
 * {@code x-braid-request-id}, {@code x-braid-model} (the {@code provider/model} that answered, or
 * {@code pipeline/<name>}), {@code x-braid-cost-usd} (a plain decimal) and {@code x-braid-cache}
 * ({@code hit} | {@code miss}). A streamed answer sends its headers before the cost is known, so it
 * has no cost header (the stream's final usage carries {@code cost_usd}), and no model header when
 * more than one target could still answer.
 */
public final class AnswerHeaders {

    public static final String REQUEST_ID = "x-braid-request-id";
    public static final String MODEL = "x-braid-model";
    public static final String COST_USD = "x-braid-cost-usd";
    public static final String CACHE = "x-braid-cache";

    private AnswerHeaders() {}

    /** The headers of an answer given at once. */
    public static Map<String, String> of(String requestId, String answeredBy, double costUsd, boolean cached) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(REQUEST_ID, requestId);
        h.put(MODEL, answeredBy);
        h.put(COST_USD, cost(costUsd));
        h.put(CACHE, cached ? "hit" : "miss");
        return h;
    }

    /** The headers of a streamed answer (never cached); {@code answeredBy} null when not yet known. */
    public static Map<String, String> ofStream(String requestId, @Nullable String answeredBy) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(REQUEST_ID, requestId);
        if (answeredBy != null) {
            h.put(MODEL, answeredBy);
        }
        h.put(CACHE, "miss");
        return h;
    }

    /** A cost as a plain decimal, never {@code 1.0E-5}. */
    public static String cost(double costUsd) {
        return BigDecimal.valueOf(Math.max(0, costUsd)).stripTrailingZeros().toPlainString();
    }
}
