package dev.braid.server.http;

import dev.braid.server.Http;
import static dev.braid.server.Http.assertError;
import static dev.braid.server.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors the framework answers itself come out in Braid's one shape, never Micronaut's JsonError. */
@MicronautTest
class ErrorShapeTest {

    private static final String INVOKE = "/v1/pipelines/echo/invoke";

    @Inject
    EmbeddedServer server;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(server.getURL());
    }

    @Test
    void malformedJsonIs400InvalidJson() throws Exception {
        assertError(http.postJson(INVOKE, "{\"input\": {"), 400, "invalid_json");
        assertError(http.postJson(INVOKE, "{input: 1}"), 400, "invalid_json");
    }

    @Test
    void aBodyOfTheWrongShapeIs400InvalidRequest() throws Exception {
        assertError(http.postJson(INVOKE, "[1,2,3]"), 400, "invalid_request");
        JsonNode notAnObject = assertError(http.postJson(INVOKE, "{\"input\":\"text\"}"), 400, "invalid_request");
        assertEquals("input", notAnObject.get("param").asText());
        JsonNode missing = assertError(http.postJson(INVOKE, "{\"inputs\":{}}"), 400, "invalid_request");
        assertEquals("input", missing.get("param").asText());
        JsonNode badVersion = assertError(http.postJson(INVOKE, "{\"input\":{},\"version\":\"three\"}"), 400, "invalid_request");
        assertEquals("version", badVersion.get("param").asText());
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        assertError(http.postJson(INVOKE, ""), 400, "invalid_request");
    }

    @Test
    void aBadQueryVersionIs400() throws Exception {
        JsonNode error = assertError(http.postJson(INVOKE + "?version=three", "{\"input\":{}}"), 400, "invalid_request");
        assertEquals("version", error.get("param").asText());
    }

    @Test
    void anUnknownPathIs404InOpenAiShapeEvenForBrowsers() throws Exception {
        assertError(http.get("/v1/nothing-here"), 404, "not_found");
        assertError(http.send(http.request("/nope").header("Accept", "text/html").GET()), 404, "not_found");
    }

    @Test
    void theWrongMethodIs405() throws Exception {
        assertError(http.get(INVOKE), 405, "method_not_allowed");
    }

    @Test
    void theWrongContentTypeIs415() throws Exception {
        assertError(
                http.send(http.request(INVOKE)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}"))),
                415,
                "unsupported_media_type");
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String big = "{\"input\":{\"text\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}}";
        assertError(http.postJson(INVOKE, big), 413, "request_too_large");
    }

    @Test
    void aChunkedBodyOverTheLimitIs413Too() throws Exception {
        byte[] big = ("{\"input\":{\"text\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}}").getBytes(StandardCharsets.UTF_8);
        // no Content-Length: the server can only find out while reading
        assertError(
                http.send(http.request(INVOKE)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))),
                413,
                "request_too_large");
    }

    @Test
    void aBodyThatIsNotUtf8Is400() throws Exception {
        byte[] latin1 = "{\"input\":{\"text\":\"caf\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(
                http.send(http.request(INVOKE)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(latin1))),
                400,
                "invalid_json");
    }

    @Test
    void aBugIs500WithTheRequestIdAndNothingElse() throws Exception {
        for (String path : new String[] {"/test/failures/thrown", "/test/failures/async"}) {
            HttpResponse<String> response = http.get(path);
            JsonNode error = assertError(response, 500, "internal_error");
            String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(error.get("message").asText().contains(requestId), error.toString());
            assertFalse(response.body().contains(FailingTestController.SECRET), response.body());
            assertFalse(response.body().contains("bug"), response.body());
        }
    }

    @Test
    void healthIsUpWithoutDetails() throws Exception {
        HttpResponse<String> response = http.get("/health");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Http.JSON.readTree("{\"status\":\"UP\"}"), json(response));
    }
}
