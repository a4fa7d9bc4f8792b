package dev.braid.server.http;

import io.micronaut.http.MutableHttpResponse;
import java.math.BigDecimal;

/**
 * The headers every door puts on a model answer (DESIGN.md, "More front doors"): {@code
 * x-braid-request-id}, {@code x-braid-model} (the {@code provider/model} that answered, or {@code
 * pipeline/<name>}), {@code x-braid-cost-usd} (absent on streams, whose cost is not known when headers
 * go out; the final usage event carries it) and {@code x-braid-cache} ({@code hit} | {@code miss}).
 */
public final class AnswerHeaders {

    public static final String REQUEST_ID = "x-braid-request-id";
    public static final String MODEL = "x-braid-model";
    public static final String COST_USD = "x-braid-cost-usd";
    public static final String CACHE = "x-braid-cache";

    private AnswerHeaders() {}

    /** A finished answer's headers. */
    public static <T> MutableHttpResponse<T> on(MutableHttpResponse<T> response, String requestId, String model,
            double costUsd, boolean cached) {
        response.header(REQUEST_ID, requestId);
        if (model != null) {
            response.header(MODEL, model);
        }
        response.header(COST_USD, cost(costUsd));
        response.header(CACHE, cached ? "hit" : "miss");
        return response;
    }

    /** A stream's headers: the request id, and the model when the caller named one provider model. */
    public static void onStream(EventStream events, String requestId, String model) {
        events.header(REQUEST_ID, requestId);
        if (model != null) {
            events.header(MODEL, model);
        }
        events.header(CACHE, "miss"); // streams never read the response cache
    }

    /** Dollars as plain decimal text without exponent or trailing zeros: {@code 0.000123}, {@code 0}. */
    public static String cost(double usd) {
        if (!Double.isFinite(usd) || usd <= 0) {
            return "0";
        }
        return BigDecimal.valueOf(usd).stripTrailingZeros().toPlainString();
    }
}
