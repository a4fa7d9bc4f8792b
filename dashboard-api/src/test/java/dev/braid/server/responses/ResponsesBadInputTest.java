package dev.braid.server.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bad requests to the Responses door over real HTTP: each is a 4xx in OpenAI's error shape naming
 * the field at fault, never a 500, never a stack trace; what Braid cannot do is
 * {@code unsupported_parameter}, never silently dropped.
 */
@MicronautTest(environments = "openai")
class ResponsesBadInputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(20));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode refused(int status, String code, String param, String body) throws Exception {
        HttpResponse<String> r = send("POST", "/v1/responses", body.getBytes(StandardCharsets.UTF_8));
        return assertError(r, status, code, param);
    }

    static JsonNode assertError(HttpResponse<String> r, int status, String code, String param) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertEquals(code, error.path("code").asText(), r.body());
        if (param != null) {
            assertEquals(param, error.path("param").asText(), r.body());
        }
        assertFalse(error.path("type").asText().isEmpty(), r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
        return error;
    }

    @Test
    void malformedBodiesAreInvalidJson() throws Exception {
        refused(400, "invalid_json", null, "{\"model\":");
        refused(400, "invalid_request", null, "[1,2]");
        HttpResponse<String> badUtf8 = send("POST", "/v1/responses",
                new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
        assertError(badUtf8, 400, "invalid_json", null);
        refused(400, "invalid_json", null, "[".repeat(5000));
    }

    @Test
    void theModelIsRequiredAndSane() throws Exception {
        refused(400, "invalid_request", "model", "{\"input\":\"hi\"}");
        refused(400, "invalid_request", "model", "{\"model\":\"mock/" + "x".repeat(300) + "\",\"input\":\"hi\"}");
        refused(400, "invalid_request", "model", "{\"model\":\"mock/a\\u0000b\",\"input\":\"hi\"}");
        HttpResponse<String> unknown = send("POST", "/v1/responses",
                "{\"model\":\"nosuchprovider/x\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(unknown.statusCode() >= 400 && unknown.statusCode() < 500, unknown.body());
        HttpResponse<String> pipeline = send("POST", "/v1/responses",
                "{\"model\":\"pipeline/nope\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(404, pipeline.statusCode(), pipeline.body());
    }

    @Test
    void inputItemsAreCheckedAndNamed() throws Exception {
        refused(400, "invalid_request", "input", "{\"model\":\"mock/a\"}");
        refused(400, "invalid_request", "input", "{\"model\":\"mock/a\",\"input\":42}");
        refused(400, "invalid_request", "input[0]", "{\"model\":\"mock/a\",\"input\":[7]}");
        refused(400, "invalid_request", "input[0].role",
                "{\"model\":\"mock/a\",\"input\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}");
        refused(400, "unsupported_parameter", "input[0].type",
                "{\"model\":\"mock/a\",\"input\":[{\"type\":\"file_search_call\",\"id\":\"x\"}]}");
        refused(400, "unsupported_parameter", "input[0].content[0].type",
                "{\"model\":\"mock/a\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}");
        refused(400, "unsupported_parameter", "input[0].content[0].image_url",
                "{\"model\":\"mock/a\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]}]}");
        refused(400, "invalid_request", "input[1].call_id",
                "{\"model\":\"mock/a\",\"input\":[{\"role\":\"user\",\"content\":\"hi\"},{\"type\":\"function_call_output\",\"output\":\"x\"}]}");
        refused(400, "invalid_request", "input[0].arguments",
                "{\"model\":\"mock/a\",\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]}");
    }

    @Test
    void optionsAreCheckedAndUnsupportedOnesNamed() throws Exception {
        refused(400, "unsupported_parameter", "tools[0].type",
                "{\"model\":\"mock/a\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}");
        refused(400, "invalid_request", "tools[0].name",
                "{\"model\":\"mock/a\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\"}]}");
        refused(400, "invalid_request", "tool_choice.name",
                "{\"model\":\"mock/a\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],"
                        + "\"tool_choice\":{\"type\":\"function\",\"name\":\"g\"}}");
        refused(400, "unsupported_parameter", "tool_choice", "{\"model\":\"mock/a\",\"input\":\"hi\",\"tool_choice\":\"sometimes\"}");
        refused(400, "invalid_request", "text.format.type",
                "{\"model\":\"mock/a\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"yaml\"}}}");
        refused(400, "invalid_request", "text.format.schema",
                "{\"model\":\"mock/a\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}}");
        refused(400, "invalid_request", "max_output_tokens", "{\"model\":\"mock/a\",\"input\":\"hi\",\"max_output_tokens\":0}");
        refused(400, "invalid_request", "max_output_tokens", "{\"model\":\"mock/a\",\"input\":\"hi\",\"max_output_tokens\":1e30}");
        refused(400, "invalid_request", "temperature", "{\"model\":\"mock/a\",\"input\":\"hi\",\"temperature\":\"hot\"}");
        refused(400, "invalid_request", "stream", "{\"model\":\"mock/a\",\"input\":\"hi\",\"stream\":\"yes\"}");
        refused(400, "invalid_request", "metadata", "{\"model\":\"mock/a\",\"input\":\"hi\",\"metadata\":{\"n\":1}}");
        refused(400, "invalid_request", "parallel_tool_calls", "{\"model\":\"mock/a\",\"input\":\"hi\",\"parallel_tool_calls\":\"no\"}");
        refused(400, "unsupported_parameter", "conversation", "{\"model\":\"mock/a\",\"input\":\"hi\",\"conversation\":\"conv_1\"}");
        refused(400, "invalid_request", "previous_response_id",
                "{\"model\":\"mock/a\",\"input\":\"hi\",\"previous_response_id\":7}");
        refused(404, "previous_response_not_found", "previous_response_id",
                "{\"model\":\"mock/a\",\"input\":\"hi\",\"previous_response_id\":\"resp_" + "z".repeat(5000) + "\"}");
    }

    @Test
    void unknownIdsAreNotFound() throws Exception {
        assertError(send("GET", "/v1/responses/resp_nope", null), 404, "response_not_found", null);
        assertError(send("DELETE", "/v1/responses/resp_nope", null), 404, "response_not_found", null);
        assertError(send("GET", "/v1/responses/" + "r".repeat(3000), null), 404, "response_not_found", null);
        assertError(send("GET", "/v1/responses/resp%00x", null), 400, "invalid_request", null);
        assertError(send("GET", "/v1/responses/resp%20x", null), 404, "response_not_found", null);
        assertError(send("GET", "/v1/responses/%FF", null), 400, "invalid_request", null);
    }

    @Test
    void aLargeInputIsAnsweredNotAServerError() throws Exception {
        String big = "word ".repeat(100_000);
        HttpResponse<String> r = send("POST", "/v1/responses",
                ("{\"model\":\"mock/a\",\"store\":false,\"input\":\"" + big + "\"}").getBytes(StandardCharsets.UTF_8));
        assertTrue(r.statusCode() == 200 || r.statusCode() == 413, r.statusCode() + " " + r.body().substring(0, 200));
        if (r.statusCode() == 200) {
            assertEquals(big, JSON.readTree(r.body()).at("/output/0/content/0/text").asText());
        }
    }
}
