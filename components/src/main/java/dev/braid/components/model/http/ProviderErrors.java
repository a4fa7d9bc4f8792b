package dev.braid.components.model.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.api.ModelException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps a provider's error answer to the unified {@link ModelException}. Messages carry at most
 * the provider's own {@code error.message} (trimmed, with every credential blanked), never the raw
 * body or headers.
 */
public final class ProviderErrors {

    static final int MAX_MESSAGE = 500;

    private ProviderErrors() {}

    /**
     * @param status the provider's HTTP status (not 2xx)
     * @param secrets credentials to blank out of any text the provider echoes back
     */
    public static ModelException fromStatus(
            String provider, String model, int status, HttpHeaders headers, byte[] body, List<String> secrets) {
        String said = messageOf(body).map(m -> clean(m, secrets)).orElse(null);
        if (status == 401 || status == 403) {
            // not the caller's fault: Braid's own credentials for the provider are wrong, so never a 401
            return new ModelException.ProviderError(provider, status,
                    "provider '" + provider + "' rejected the credentials", null);
        }
        if (status == 404) {
            return new ModelException.ModelNotFound(
                    "model '" + model + "' is not served by provider '" + provider + "'");
        }
        if (quotaExhausted(body)) {
            return ModelException.ProviderError.quotaExhausted(provider, status,
                    "provider '" + provider + "' is out of quota or credit" + (said == null ? "" : ": " + said));
        }
        Duration retryAfter = retryAfter(headers).or(() -> retryDelay(body)).orElse(null);
        if (status == 429) {
            return new ModelException.ProviderError(provider, 429,
                    "provider '" + provider + "' is rate limiting" + (said == null ? "" : ": " + said), retryAfter);
        }
        if (status == 529) {
            return new ModelException.ProviderError(provider, 529,
                    "provider '" + provider + "' is overloaded", retryAfter);
        }
        if (status >= 500) {
            return new ModelException.ProviderError(provider, status,
                    "provider '" + provider + "' failed with " + status, retryAfter);
        }
        return new ModelException.ProviderError(provider, status,
                "provider '" + provider + "' refused the request" + (said == null ? "" : ": " + said), retryAfter);
    }

    /** An error reported inside a stream after a 200; {@code upstreamStatus} is what the error type means. */
    public static ModelException.ProviderError midStream(
            String provider, int upstreamStatus, String message, List<String> secrets) {
        String said = message == null || message.isBlank() ? null : clean(message, secrets);
        return new ModelException.ProviderError(provider, upstreamStatus,
                "provider '" + provider + "' failed mid-stream" + (said == null ? "" : ": " + said), null);
    }

    public static ModelException.ProviderError endedEarly(String provider) {
        return new ModelException.ProviderError(provider, 502, "provider '" + provider + "' stream ended early", null);
    }

    public static ModelException.ProviderError malformed(String provider, String what) {
        return new ModelException.ProviderError(provider, 502,
                "provider '" + provider + "' sent a malformed answer (" + what + ")", null);
    }

    /**
     * Whether an error body says the provider account cannot pay for calls, as opposed to a passing
     * rate limit or a bad request: OpenAI's {@code insufficient_quota} (as {@code code}, or as
     * {@code type} with {@code code: null} in older answers), Anthropic's {@code billing_error}, its
     * 400 "credit balance is too low" (an {@code invalid_request_error}: the message is the only
     * sign) and its spend limit ({@code error.details.error_code: enforced_spend_limit_reached}).
     */
    static boolean quotaExhausted(byte[] body) {
        if (body == null || body.length == 0) {
            return false;
        }
        JsonNode error;
        try {
            JsonNode root = ProviderJson.MAPPER.readTree(body);
            if (root == null || !root.path("error").isObject()) {
                return false;
            }
            error = root.get("error");
        } catch (Exception notJson) {
            return false;
        }
        String code = error.path("code").asText("");
        String type = error.path("type").asText("");
        return "insufficient_quota".equals(code) || "insufficient_quota".equals(type)
                || "billing_error".equals(type)
                || "enforced_spend_limit_reached".equals(error.path("details").path("error_code").asText(""))
                || "invalid_request_error".equals(type)
                        && error.path("message").asText("").toLowerCase(Locale.ROOT).contains("credit balance is too low");
    }

    /** Gemini puts the pause in the body: {@code error.details[].retryDelay: "30s"} (google.rpc.RetryInfo). */
    static Optional<Duration> retryDelay(byte[] body) {
        try {
            JsonNode root = ProviderJson.MAPPER.readTree(body);
            if (root != null && root.isArray() && !root.isEmpty()) {
                root = root.get(0);
            }
            for (JsonNode d : root.path("error").path("details")) {
                if (d.path("retryDelay").isTextual()) {
                    return parseGoDuration(d.get("retryDelay").asText());
                }
            }
        } catch (Exception notJson) {
            // no body hint
        }
        return Optional.empty();
    }

    /** The provider's own message: {@code error.message}, {@code error} as text (Ollama), or {@code message}. */
    static Optional<String> messageOf(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode root = ProviderJson.MAPPER.readTree(body);
            if (root != null && root.isArray() && !root.isEmpty()) {
                root = root.get(0); // Gemini sometimes wraps errors in an array
            }
            return messageOf(root);
        } catch (Exception e) {
            return Optional.empty(); // not JSON: say nothing rather than echo a raw body
        }
    }

    public static Optional<String> messageOf(JsonNode root) {
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        JsonNode error = root.get("error");
        if (error != null && error.isTextual()) {
            return Optional.of(error.asText());
        }
        if (error != null && error.path("message").isTextual()) {
            return Optional.of(error.get("message").asText());
        }
        if (root.path("message").isTextual()) {
            return Optional.of(root.get("message").asText());
        }
        return Optional.empty();
    }

    /** Blanks credentials, drops control characters and trims to {@value #MAX_MESSAGE} characters. */
    public static String clean(String message, List<String> secrets) {
        String m = message;
        for (String s : secrets) {
            if (s != null && !s.isEmpty()) {
                m = m.replace(s, "***");
            }
        }
        m = m.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "").strip();
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE - 1) + "…" : m;
    }

    /**
     * {@code retry-after-ms} (OpenAI, Azure), else {@code Retry-After} as seconds or an HTTP date.
     */
    public static Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis((long) Math.ceil(Double.parseDouble(ms.get().trim()))));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        Optional<Duration> header = headers.firstValue("retry-after").flatMap(ProviderErrors::parseRetryAfter);
        if (header.isPresent()) {
            return header;
        }
        // OpenAI: the reset time of whichever limit is exhausted
        for (String limit : new String[] {"requests", "tokens"}) {
            if ("0".equals(headers.firstValue("x-ratelimit-remaining-" + limit).orElse("").trim())) {
                Optional<Duration> reset = headers.firstValue("x-ratelimit-reset-" + limit).flatMap(ProviderErrors::parseGoDuration);
                if (reset.isPresent()) {
                    return reset;
                }
            }
        }
        return Optional.empty();
    }

    private static final java.util.regex.Pattern GO_PART = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    /** OpenAI's reset times: {@code 1s}, {@code 6m0s}, {@code 20ms}, {@code 1h2m3.5s}. */
    static Optional<Duration> parseGoDuration(String value) {
        String v = value.trim();
        java.util.regex.Matcher m = GO_PART.matcher(v);
        double ms = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            double n = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1000;
                default -> n;
            };
            end = m.end();
        }
        return end == 0 || end != v.length() ? Optional.empty() : Optional.of(Duration.ofMillis((long) Math.ceil(ms)));
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notDate) {
                return Optional.empty();
            }
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
