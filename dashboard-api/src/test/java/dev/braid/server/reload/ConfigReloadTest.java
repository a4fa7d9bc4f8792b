package dev.braid.server.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/config/reload} re-reads braid.yml: the enrich allowlist applies at once (a
 * refused deploy then deploys and runs; taken away again, the call is refused), other changed keys
 * are named as needing a restart, and only an admin key may reload.
 */
class ConfigReloadTest {

    static final String ADMIN = "bk_live_ConfigReloadAdminKey00000000000000000000";
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http = HttpClient.newHttpClient();
    URI base;

    @Test
    void theEnrichAllowlistIsReloadedWithoutARestart() throws Exception {
        HttpServer crm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        crm.createContext("/customers/", exchange -> {
            byte[] body = "{\"name\":\"Ada\",\"tier\":\"gold\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        crm.start();
        int port = crm.getAddress().getPort();
        Path dir = Files.createTempDirectory("braid-reload-");
        Path config = dir.resolve("braid.yml");
        Files.writeString(config, "braid:\n  usage:\n    batch-size: 500\n");
        String pipeline = """
                apiVersion: braid/v1
                kind: Pipeline
                name: crm-lookup
                steps:
                  - id: crm
                    enrich:
                      url: "http://127.0.0.1:%d/customers/{{input.id}}"
                  - id: brief
                    transform:
                      jsonata: '{"customer": steps.crm.name}'
                """.formatted(port);
        System.setProperty("micronaut.config.files", config.toString());
        try (TestDatabase db = TestDatabase.h2()) {
            Map<String, Object> p = new HashMap<>(db.properties());
            p.put("micronaut.server.port", -1);
            p.put("braid.pipelines.shipped", false);
            p.put("braid.pipelines.dir", Files.createDirectories(dir.resolve("none")).toString());
            p.put("braid.auth.enabled", true);
            p.put("braid.admin-key", ADMIN);
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p, "test")) {
                base = URI.create(server.getURL().toString());
                // the literal loopback target is refused at deploy while the allowlist is empty
                HttpResponse<String> refused = send("POST", "/api/pipelines", pipeline, ADMIN, "application/yaml");
                assertEquals(422, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("braid.enrich.allowed-hosts"), refused.body());

                Files.writeString(config, "braid:\n  usage:\n    batch-size: 100\n  enrich:\n    allowed-hosts: [\"127.0.0.1:"
                        + port + "\"]\n");
                String deployer = JSON.readTree(send("POST", "/api/keys", "{\"name\":\"ci\",\"role\":\"deployer\"}", ADMIN,
                        "application/json").body()).path("key").asText();
                HttpResponse<String> forbidden = send("POST", "/api/config/reload", null, deployer, null);
                assertEquals(403, forbidden.statusCode(), forbidden.body());

                HttpResponse<String> reloaded = send("POST", "/api/config/reload", null, ADMIN, null);
                assertEquals(200, reloaded.statusCode(), reloaded.body());
                JsonNode answer = JSON.readTree(reloaded.body());
                assertEquals("[\"braid.enrich.allowed-hosts\"]", answer.path("applied").toString(), reloaded.body());
                assertEquals("[\"127.0.0.1:" + port + "\"]", answer.path("enrichAllowedHosts").toString());
                assertTrue(answer.path("needsRestart").toString().contains("braid.usage.batch-size"), reloaded.body());

                HttpResponse<String> deployed = send("POST", "/api/pipelines", pipeline, ADMIN, "application/yaml");
                assertEquals(201, deployed.statusCode(), deployed.body());
                HttpResponse<String> ran = send("POST", "/v1/pipelines/crm-lookup/invoke", "{\"input\":{\"id\":\"7\"}}",
                        ADMIN, "application/json");
                assertEquals(200, ran.statusCode(), ran.body());
                assertEquals("Ada", JSON.readTree(ran.body()).path("output").path("customer").asText(), ran.body());

                // taken away again: the deployed pipeline's calls are refused before any connection
                Files.writeString(config, "braid:\n  usage:\n    batch-size: 100\n");
                JsonNode again = JSON.readTree(send("POST", "/api/config/reload", null, ADMIN, null).body());
                assertEquals(List.of(), JSON.convertValue(again.path("enrichAllowedHosts"), List.class), again.toString());
                HttpResponse<String> closed = send("POST", "/v1/pipelines/crm-lookup/invoke", "{\"input\":{\"id\":\"7\"}}",
                        ADMIN, "application/json");
                assertEquals(422, closed.statusCode(), closed.body());
                assertEquals("enrich_refused", JSON.readTree(closed.body()).path("error").path("code").asText());
            }
        } finally {
            System.clearProperty("micronaut.config.files");
            crm.stop(0);
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String key, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
