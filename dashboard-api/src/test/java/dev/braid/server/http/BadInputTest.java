package dev.braid.server.http;

import dev.braid.server.Client;
import static dev.braid.server.Client.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile bodies on every route that takes one: too large (with and without Content-Length),
 * nested too deep, numbers too long, oversized headers, and YAML bombs on the admin API. Every
 * answer is a 4xx in the one error shape, never a 500.
 */
@MicronautTest
class BadInputTest {

    /** POST routes that take a JSON body, with a body that is otherwise acceptable. */
    static final Map<String, String> JSON_ROUTES = Map.of(
            "/v1/pipelines/echo/invoke", "{\"input\":{\"text\":%s}}",
            "/v1/chat/completions", "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":%s}]}",
            "/v1/embeddings", "{\"model\":\"mock/embed\",\"input\":%s}");
    static final List<String> YAML_ROUTES = List.of("/api/pipelines", "/api/pipelines/validate");

    @Inject
    EmbeddedServer server;

    Client client;

    @BeforeEach
    void client() {
        client = new Client(server.getURL());
    }

    static void assertProblem(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = json(r).get("error");
        assertEquals(code, error.get("code").asText(), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
        assertFalse(r.body().contains("StreamReadConstraints"), r.body());
    }

    @Test
    void bodiesOverTheLimitAre413OnEveryRouteWithAndWithoutContentLength() throws Exception {
        String big = "\"" + "a".repeat(2 * 1024 * 1024) + "\"";
        for (Map.Entry<String, String> route : JSON_ROUTES.entrySet()) {
            byte[] body = route.getValue().formatted(big).getBytes(StandardCharsets.UTF_8);
            assertProblem(client.send(client.request(route.getKey()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))), 413, "request_too_large");
            assertProblem(client.send(client.request(route.getKey()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))),
                    413, "request_too_large");
        }
        byte[] yaml = ("# " + "x".repeat(2 * 1024 * 1024)).getBytes(StandardCharsets.UTF_8);
        for (String path : YAML_ROUTES) {
            assertProblem(client.send(client.request(path).header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(yaml))), 413, "request_too_large");
            assertProblem(client.send(client.request(path).header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(yaml)))),
                    413, "request_too_large");
        }
    }

    @Test
    void aPipelineOverTheReadersLimitIs413EvenUnderTheBodyLimit() throws Exception {
        String yaml = """
                apiVersion: braid/v1
                kind: Pipeline
                name: huge
                steps:
                  - id: t
                    transform: { jsonata: "input" }
                """ + "# " + "x".repeat(300 * 1024) + "\n";
        for (String path : YAML_ROUTES) {
            HttpResponse<String> r = client.postYaml(path, yaml);
            assertProblem(r, 413, "request_too_large");
            assertTrue(json(r).at("/error/message").asText().contains("262144"), r.body());
        }
    }

    @Test
    void jsonNestedTenThousandDeepIs400NotAStackOverflow() throws Exception {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        for (Map.Entry<String, String> route : JSON_ROUTES.entrySet()) {
            HttpResponse<String> r = client.postJson(route.getKey(), route.getValue().formatted(deep));
            assertProblem(r, 400, "invalid_json");
            assertTrue(json(r).at("/error/message").asText().contains("nesting too deep"), route.getKey() + " " + r.body());
        }
        // 64 levels are still fine
        String ok = "[".repeat(60) + "\"x\"" + "]".repeat(60);
        assertEquals(200, client.postJson("/v1/pipelines/echo/invoke", "{\"input\":{\"text\":\"hi\",\"extra\":" + ok + "}}").statusCode());
    }

    @Test
    void aThousandDigitNumberIs400() throws Exception {
        HttpResponse<String> r = client.postJson("/v1/chat/completions",
                "{\"model\":\"mock/echo\",\"temperature\":1" + "0".repeat(1000) + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertProblem(r, 400, "invalid_json");
        assertTrue(json(r).at("/error/message").asText().contains("number is too long"), r.body());
    }

    @Test
    void oversizedHeadersAndRequestLinesAreRefusedInTheErrorShape() throws Exception {
        // Micronaut answers Netty's decoder failures with 413 itself; the body is still Braid's shape
        for (HttpResponse<String> r : List.of(
                client.send(client.request("/v1/models").header("X-Padding", "p".repeat(20_000)).GET()),
                client.send(client.request("/v1/models?q=" + "q".repeat(20_000)).GET()))) {
            assertProblem(r, 413, "request_too_large");
            assertTrue(json(r).at("/error/message").asText().contains("headers or request line"), r.body());
        }
    }

    @Test
    void yamlBombsAndDeepDocumentsAre422OnTheAdminApi() throws Exception {
        String laughs = """
                apiVersion: braid/v1
                kind: Pipeline
                name: lol
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                steps: [*f]
                """;
        String deep = "apiVersion: braid/v1\nkind: Pipeline\nname: deep\nsteps: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        for (String path : YAML_ROUTES) {
            for (String yaml : List.of(laughs, deep)) {
                HttpResponse<String> r = client.postYaml(path, yaml);
                assertProblem(r, 422, "pipeline_invalid");
                JsonNode first = json(r).at("/error/errors/0");
                assertTrue(first.get("line").asInt() >= 1 && first.get("column").asInt() >= 1, r.body());
            }
        }
        assertEquals(404, client.send(client.request("/api/pipelines/lol").GET()).statusCode());
        assertEquals(404, client.send(client.request("/api/pipelines/deep").GET()).statusCode());
    }
}
