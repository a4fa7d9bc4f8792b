package dev.braid.server.http;

import java.time.Duration;
import java.util.List;

/**
 * An error decided but not yet rendered.
 *
 * @param param the request field at fault, or null
 * @param errors pipeline problems (422), or empty
 * @param retryAfter the Retry-After to send (429), or null
 */
public record ApiProblem(
        int status, String code, String message, String param, List<ErrorBody.Location> errors, Duration retryAfter) {

    public ApiProblem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiProblem of(int status, String code, String message) {
        return new ApiProblem(status, code, message, null, List.of(), null);
    }

    public static ApiProblem of(int status, String code, String message, String param) {
        return new ApiProblem(status, code, message, param, List.of(), null);
    }

    /** The codes of a step the deployed pipeline itself failed (the engine's {@code StepFailed.pipeline}, 422). */
    private static final java.util.Set<String> PIPELINE_FAULTS = java.util.Set.of("step_failed", "required_step_failed", "enrich_refused");

    /**
     * OpenAI's error type: the caller's fault is {@code invalid_request_error}; the deployed pipeline's
     * own (a 422 JSONata, {@code when} or {@code require} failure at run time) is {@code pipeline_error};
     * a provider's (502, 504, and 503 when one is unavailable) is {@code upstream_error}; Braid's own is
     * {@code api_error}.
     */
    public String type() {
        if (status == 422 && PIPELINE_FAULTS.contains(code)) {
            return "pipeline_error";
        }
        if (status < 500) {
            return "invalid_request_error";
        }
        return status == 502 || status == 503 || status == 504 ? "upstream_error" : "api_error";
    }
}
