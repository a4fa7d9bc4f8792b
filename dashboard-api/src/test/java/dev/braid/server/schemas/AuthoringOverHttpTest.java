package dev.braid.server.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an integrator authoring pipelines meets over real HTTP, with access control on: the JSON Schema
 * editors fetch without a key, validation that rejects a JSONata call to an unknown function with its
 * line and column, a run-time JSONata failure answered as the pipeline's fault (422 {@code pipeline_error})
 * not a provider's, a 415 that names the YAML media types, and the shipped {@code customer-lookup}
 * pipeline (enrich + transform) against a local CRM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthoringOverHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "bk_live_AuthoringTestAdminKey000000000000000000";
    static final int CRM_PORT = 18081; // the port the shipped pipeline names

    EmbeddedServer server;
    HttpServer crm;
    int crmPort;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws IOException {
        crm = startCrm();
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.pipelines.shipped", true);
        p.put("braid.enrich.allowed-hosts", "127.0.0.1:" + crmPort);
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
    }

    /** The stand-in CRM on the shipped port; on another port (and the pipeline redeployed to it) when 18081 is taken. */
    private HttpServer startCrm() throws IOException {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress("127.0.0.1", CRM_PORT), 0);
        } catch (BindException e) {
            s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        crmPort = s.getAddress().getPort();
        s.createContext("/customers/", ex -> {
            String id = ex.getRequestURI().getPath().substring("/customers/".length());
            byte[] body = ("c-42".equals(id)
                    ? "{\"id\":\"c-42\",\"name\":\"Jane Doe\",\"tier\":\"gold\","
                            + "\"orders\":[{\"id\":\"o-1\",\"status\":\"open\"},{\"id\":\"o-2\",\"status\":\"shipped\"}]}"
                    : "{\"error\":\"no such customer\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders("c-42".equals(id) ? 200 : 404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        return s;
    }

    @AfterAll
    void stop() {
        server.close();
        crm.stop(0);
    }

    HttpResponse<String> send(String method, String path, String key, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode error(HttpResponse<String> r, int status) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("error");
    }

    @Test
    void theSchemaIsServedWithoutAKeyAndIsTheEnginesOwn() throws Exception {
        HttpResponse<String> r = send("GET", "/schemas/pipeline.json", null, null, null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String engines;
        try (InputStream in = getClass().getResourceAsStream("/braid/pipeline.schema.json")) {
            engines = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(JSON.readTree(engines), JSON.readTree(r.body()));
        assertTrue(JSON.readTree(r.body()).path("$defs").has("enrich"));
        // only that one document is public: the admin API next to it still wants a key
        assertEquals(401, send("GET", "/api/pipelines", null, null, null).statusCode());
        assertEquals(401, send("POST", "/schemas/pipeline.json", null, "application/json", "{}").statusCode());
    }

    @Test
    void validateWithAFormContentTypeNamesTheYamlTypesItReads() throws Exception {
        // what curl -d sends
        JsonNode e = error(send("POST", "/api/pipelines/validate", ADMIN, "application/x-www-form-urlencoded",
                pipeline("t", "input")), 415);
        assertEquals("unsupported_media_type", e.path("code").asText());
        String m = e.path("message").asText();
        assertTrue(m.contains("YAML") && m.contains("application/yaml") && m.contains("text/plain"), m);
        assertTrue(m.contains("--data-binary"), m);
        assertFalse(m.contains("must be application/json"), m);
        // no Content-Type at all is read as YAML
        assertEquals(200, send("POST", "/api/pipelines/validate", ADMIN, null, pipeline("t", "input")).statusCode());
        // every YAML type it names is accepted
        for (String type : new String[] {"application/yaml", "application/x-yaml", "text/yaml", "text/plain"}) {
            HttpResponse<String> ok = send("POST", "/api/pipelines/validate", ADMIN, type, pipeline("t", "input"));
            assertEquals(200, ok.statusCode(), type + ": " + ok.body());
        }
        // a JSON endpoint still says JSON
        JsonNode json = error(send("POST", "/api/keys", ADMIN, "text/yaml", "name: x"), 415);
        assertTrue(json.path("message").asText().contains("application/json"), json.toString());
    }

    @Test
    void anUnknownJsonataFunctionIsA422WithLineAndColumnAtValidateAndDeploy() throws Exception {
        String yaml = pipeline("lower", "$lowerCase(input.text)");
        for (String path : new String[] {"/api/pipelines/validate", "/api/pipelines"}) {
            JsonNode e = error(send("POST", path, ADMIN, "application/yaml", yaml), 422);
            assertEquals("pipeline_invalid", e.path("code").asText());
            JsonNode first = e.path("errors").get(0);
            assertEquals(6, first.path("line").asInt(), first.toString());
            assertEquals(28, first.path("column").asInt(), "the '$' of the call: " + first);
            assertEquals("steps[0].transform.jsonata", first.path("path").asText());
            assertEquals("JSONata: unknown function $lowerCase (did you mean $lowercase?)", first.path("message").asText());
        }
        assertEquals(404, send("GET", "/api/pipelines/lower", ADMIN, null, null).statusCode(), "nothing was deployed");
    }

    @Test
    void aJsonataFailureAtRunTimeIsThePipelinesFaultNotAProviders() throws Exception {
        HttpResponse<String> deployed = send("POST", "/api/pipelines?activate=true", ADMIN, "application/yaml",
                pipeline("boom", "$error('no discount for ' & input.text)"));
        assertEquals(201, deployed.statusCode(), deployed.body());
        JsonNode e = error(send("POST", "/v1/pipelines/boom/invoke", ADMIN, "application/json",
                "{\"input\":{\"text\":\"x\"}}"), 422);
        assertEquals("pipeline_error", e.path("type").asText());
        assertEquals("step_failed", e.path("code").asText());
        assertTrue(e.path("message").asText().contains("'t'"), "names the step: " + e);
    }

    @Test
    void theShippedCustomerLookupEnrichesFromTheCrmAndTransforms() throws Exception {
        if (crmPort != CRM_PORT) {
            // 18081 is taken on this machine: the shipped YAML, pointed at the stand-in's port
            String yaml;
            try (InputStream in = getClass().getResourceAsStream("/braid/pipelines/customer-lookup.yaml")) {
                yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(":" + CRM_PORT + "/", ":" + crmPort + "/");
            }
            assertEquals(201, send("POST", "/api/pipelines?activate=true", ADMIN, "application/yaml", yaml).statusCode());
        }
        HttpResponse<String> r = send("POST", "/v1/pipelines/customer-lookup/invoke", ADMIN, "application/json",
                "{\"input\":{\"customerId\":\"c-42\",\"text\":\"  Where is my order?  \"}}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode out = JSON.readTree(r.body()).path("output");
        assertEquals("Jane Doe", out.path("customer").asText());
        assertEquals("GOLD", out.path("tier").asText());
        assertEquals("high", out.path("priority").asText());
        assertEquals(1, out.path("openOrders").asInt());
        assertEquals("Where is my order?", out.path("question").asText());

        // an unknown customer: the CRM's 404 is an upstream failure, not the pipeline's
        JsonNode e = error(send("POST", "/v1/pipelines/customer-lookup/invoke", ADMIN, "application/json",
                "{\"input\":{\"customerId\":\"nobody\",\"text\":\"hi\"}}"), 502);
        assertEquals("upstream_error", e.path("type").asText());
    }

    static String pipeline(String name, String jsonata) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: t
                    transform: { jsonata: "%s" }
                """.formatted(name, jsonata);
    }
}
