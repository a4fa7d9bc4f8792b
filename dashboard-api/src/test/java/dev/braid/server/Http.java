package dev.braid.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** Plain JDK HTTP against the embedded server, so tests see exactly the bytes a caller gets. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();

    // what must never reach a caller: stack frames, exception class names, framework internals
    private static final Pattern LEAK = Pattern.compile(
            "Exception|\\tat |\\bat [a-z]+\\.|io\\.micronaut|dev\\.braid|java\\.|org\\.apache|_links|_embedded");

    private final URI base;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Http(URL base) {
        this.base = URI.create(base.toString());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    public HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Asserts an error answer in OpenAI's shape and returns its {@code error} object. */
    public static JsonNode assertError(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "content type: " + response.headers().firstValue("Content-Type"));
        assertFalse(LEAK.matcher(response.body()).find(), "error body leaks internals: " + response.body());
        JsonNode root = json(response);
        assertEquals(1, root.size(), "only {error}: " + response.body());
        JsonNode error = root.get("error");
        assertNotNull(error, response.body());
        assertEquals(code, error.path("code").asText(), response.body());
        String expectedType = status < 500 ? "invalid_request_error" : (status == 500 ? "api_error" : "upstream_error");
        assertEquals(expectedType, error.path("type").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank(), response.body());
        assertTrue(error.has("param"), "param is always present: " + response.body());
        assertTrue(response.headers().firstValue("X-Request-Id").isPresent(), "X-Request-Id on errors too");
        return error;
    }
}
