package dev.braid.components.model.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.routing.FallbackTrigger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelExceptionTest {

    private static ModelException.ProviderError upstream(int status) {
        return new ModelException.ProviderError("openai", status, "upstream said no", null);
    }

    @Test
    void rateLimitStaysRateLimitAndKeepsRetryAfter() {
        var e = new ModelException.ProviderError("openai", 429, "slow down", Duration.ofSeconds(7));
        assertEquals(429, e.status());
        assertEquals("provider_rate_limited", e.code());
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        assertTrue(e.retryable());
    }

    @Test
    void providerRejectingBraidsCredentialsIsABadGatewayNotTheCallersFault() {
        for (int status : new int[] {401, 403}) {
            assertEquals(502, upstream(status).status());
            assertEquals("provider_auth_failed", upstream(status).code());
            // another target's account may work; this one answers the same until its key is fixed
            assertTrue(upstream(status).retryable());
            assertFalse(upstream(status).retryOnSameTarget());
            assertEquals(FallbackTrigger.AUTH, FallbackTrigger.of(upstream(status)));
        }
    }

    @Test
    void serverErrorsBecomeBadGatewayAndAreRetryable() {
        assertEquals(502, upstream(500).status());
        assertEquals(502, upstream(529).status());
        assertTrue(upstream(503).retryable());
    }

    @Test
    void contentPolicyRefusalPassesThroughAsTheCallersError() {
        assertEquals(400, upstream(400).status());
        assertEquals("provider_error", upstream(400).code());
        assertFalse(upstream(400).retryable());
    }

    @Test
    void timeoutsAndUnknownModelsHaveTheirOwnStatus() {
        assertEquals(504, new ModelException.ProviderTimeout("late").status());
        assertEquals(404, new ModelException.ModelNotFound("nope").status());
        assertEquals("model_not_found", new ModelException.ModelNotFound("nope").code());
    }
}
