package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.ModelException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderErrorsTest {

    private static HttpHeaders headers(Map<String, String> h) {
        return HttpHeaders.of(h.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, e -> List.of(e.getValue()))), (a, b) -> true);
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                ProviderErrors.retryAfter(headers(Map.of("retry-after-ms", "1500", "retry-after", "2"))));
    }

    @Test
    void retryAfterInThePastIsZeroAndGarbageIsAbsent() {
        assertEquals(Optional.of(Duration.ZERO), ProviderErrors.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
        assertEquals(Optional.empty(), ProviderErrors.parseRetryAfter("soon"));
        assertEquals(Optional.of(Duration.ofMillis(500)), ProviderErrors.parseRetryAfter("0.5"));
    }

    @Test
    void openAiResetHeadersOfTheExhaustedLimit() {
        assertEquals(Optional.of(Duration.ofSeconds(360)), ProviderErrors.retryAfter(headers(Map.of(
                "x-ratelimit-remaining-requests", "12", "x-ratelimit-reset-requests", "20ms",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s"))));
        assertEquals(Optional.of(Duration.ofMillis(1500)), ProviderErrors.parseGoDuration("1.5s"));
        assertEquals(Optional.empty(), ProviderErrors.parseGoDuration("6 minutes"));
        assertEquals(Optional.empty(), ProviderErrors.retryAfter(headers(Map.of(
                "x-ratelimit-remaining-requests", "3", "x-ratelimit-reset-requests", "1s"))));
    }

    @Test
    void geminiRetryInfoInTheBodyIsTheRetryAfter() {
        byte[] body = ("{\"error\":{\"code\":429,\"message\":\"Resource exhausted\",\"status\":\"RESOURCE_EXHAUSTED\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"31s\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
        ModelException.ProviderError e = (ModelException.ProviderError)
                ProviderErrors.fromStatus("gemini", "m", 429, headers(Map.of()), body, List.of());
        assertEquals(Duration.ofSeconds(31), e.retryAfter());
    }

    @Test
    void aNonJsonErrorBodyIsNeverEchoed() {
        byte[] html = "<html><body>502 Bad Gateway nginx</body></html>".getBytes(StandardCharsets.UTF_8);
        ModelException e = ProviderErrors.fromStatus("groq", "m", 400, headers(Map.of()), html, List.of());
        assertEquals("provider 'groq' refused the request", e.getMessage());
    }

    @Test
    void geminiArrayWrappedErrorsAndOllamaStringErrorsAreRead() {
        byte[] gemini = "[{\"error\":{\"code\":400,\"message\":\"API key not valid\"}}]".getBytes(StandardCharsets.UTF_8);
        assertTrue(ProviderErrors.fromStatus("gemini", "m", 400, headers(Map.of()), gemini, List.of())
                .getMessage().endsWith(": API key not valid"));
        byte[] ollama = "{\"error\":\"model 'x' not found\"}".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(ModelException.ModelNotFound.class,
                ProviderErrors.fromStatus("ollama", "x", 404, headers(Map.of()), ollama, List.of()));
    }

    @Test
    void quotaAndCreditExhaustionIsToldApartFromRateLimitsAndBadRequests() {
        // OpenAI before 2023-11 sent code: null and only the type
        byte[] oldOpenAi = "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":null}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] billing = "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"There is an issue with your billing.\"}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] spendLimit = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"spend limit reached\",\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}"
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] body : List.of(oldOpenAi, billing, spendLimit)) {
            ModelException.ProviderError e = assertInstanceOf(ModelException.ProviderError.class,
                    ProviderErrors.fromStatus("p", "m", 429, headers(Map.of("retry-after", "3")), body, List.of()));
            assertTrue(e.quotaExhausted(), new String(body, StandardCharsets.UTF_8));
            assertTrue(e.retryable() && !e.retryOnSameTarget());
            assertEquals(null, e.retryAfter(), "no pause makes a spent account answer");
        }
        byte[] rateLimit = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ModelException.ProviderError limited = (ModelException.ProviderError)
                ProviderErrors.fromStatus("anthropic", "m", 429, headers(Map.of()), rateLimit, List.of());
        assertTrue(!limited.quotaExhausted() && limited.retryOnSameTarget());
        byte[] badRequest = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: Field required\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ModelException bad = ProviderErrors.fromStatus("anthropic", "m", 400, headers(Map.of()), badRequest, List.of());
        assertTrue(!bad.retryable() && !bad.retryOnSameTarget());
    }

    @Test
    void forbiddenIsLikeUnauthorized() {
        ModelException e = ProviderErrors.fromStatus("openai", "m", 403, headers(Map.of()), new byte[0], List.of());
        assertEquals(502, e.status());
        assertEquals("provider 'openai' rejected the credentials", e.getMessage());
    }
}
