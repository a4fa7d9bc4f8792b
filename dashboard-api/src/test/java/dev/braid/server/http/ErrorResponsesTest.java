package dev.braid.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.guard.GuardBlockedException;
import dev.braid.components.model.api.ModelException;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.ValidationError;
import io.micronaut.http.MutableHttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The mapping table for exceptions no HTTP test can raise yet (no deploy API, no real providers). */
class ErrorResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anInvalidPipelineIs422WithEveryProblemAndItsPosition() throws Exception {
        var invalid = new InvalidPipelineException(List.of(
                new ValidationError(6, 5, "steps[0].transfrom", "unknown key 'transfrom' (did you mean 'transform'?)"),
                new ValidationError(9, 12, "steps[1].model.timeout", "not a duration")));
        MutableHttpResponse<ErrorBody> response = ErrorResponses.of(null, invalid);
        assertEquals(422, response.code());
        JsonNode error = body(response);
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("pipeline_invalid", error.get("code").asText());
        assertEquals("steps[0].transfrom", error.get("param").asText());
        assertEquals(2, error.get("errors").size());
        JsonNode first = error.get("errors").get(0);
        assertEquals(6, first.get("line").asInt());
        assertEquals(5, first.get("column").asInt());
        assertEquals("steps[0].transfrom", first.get("path").asText());
        assertTrue(first.get("message").asText().contains("did you mean"));
    }

    @Test
    void providerFailuresKeepTheirStatusAndAreUpstreamErrors() throws Exception {
        assertMapped(new ModelException.ProviderError("openai", 503, "openai answered 503", null), 502, "provider_error", "upstream_error");
        assertMapped(new ModelException.ProviderTimeout("openai did not answer within 10s"), 504, "provider_timeout", "upstream_error");
        assertMapped(new ModelException.ModelNotFound("no model 'gpt-9'"), 404, "model_not_found", "invalid_request_error");
        assertMapped(new InvocationException.StepFailed("respond", 502, "step_failed", "required branch reply failed"), 502, "step_failed", "upstream_error");
    }

    @Test
    void aPipelinesOwnRunTimeFailureIsA422PipelineErrorNotAnUpstreamError() throws Exception {
        assertMapped(InvocationException.StepFailed.pipeline("shout", "step_failed",
                "the transform step 'shout' failed: nope"), 422, "step_failed", "pipeline_error");
        assertMapped(InvocationException.StepFailed.pipeline("respond", "required_step_failed",
                "step 'respond' requires step 'reply', which failed"), 422, "required_step_failed", "pipeline_error");
    }

    @Test
    void aProviderRateLimitIs429WithRetryAfterInWholeSecondsRoundedUp() {
        var limited = new ModelException.ProviderError("openai", 429, "rate limited", Duration.ofMillis(2100));
        MutableHttpResponse<ErrorBody> response = ErrorResponses.of(null, new CompletionException(limited));
        assertEquals(429, response.code());
        assertEquals("3", response.getHeaders().get("Retry-After"));
        assertNull(ErrorResponses.of(null, new ModelException.ProviderError("openai", 500, "x", Duration.ofSeconds(5)))
                .getHeaders().get("Retry-After"), "only a 429 carries Retry-After");
    }

    @Test
    void aGuardBlockNamesItsRule() throws Exception {
        JsonNode error = assertMapped(new GuardBlockedException("prompt_injection", "the input looks like a prompt injection"),
                400, "guard_blocked", "invalid_request_error");
        assertTrue(error.get("message").asText().contains("prompt_injection"), error.toString());
    }

    @Test
    void anUnexpectedFailureIsAGeneric500() throws Exception {
        JsonNode error = assertMapped(new IllegalStateException("secret sk-123 in a bug"), 500, "internal_error", "api_error");
        assertFalse(error.toString().contains("sk-123"), error.toString());
        assertFalse(error.toString().contains("IllegalState"), error.toString());
    }

    private static JsonNode assertMapped(Throwable error, int status, String code, String type) throws Exception {
        MutableHttpResponse<ErrorBody> response = ErrorResponses.of(null, error);
        assertEquals(status, response.code());
        JsonNode body = body(response);
        assertEquals(code, body.get("code").asText());
        assertEquals(type, body.get("type").asText());
        assertTrue(body.has("param"));
        assertFalse(body.has("errors"), "errors only for 422: " + body);
        return body;
    }

    private static JsonNode body(MutableHttpResponse<ErrorBody> response) throws Exception {
        JsonNode root = JSON.readTree(JSON.writeValueAsString(response.body()));
        assertEquals(1, root.size());
        return root.get("error");
    }
}
