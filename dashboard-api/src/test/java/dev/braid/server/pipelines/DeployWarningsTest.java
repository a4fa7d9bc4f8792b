package dev.braid.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A pipeline whose target names a provider nobody configured deploys (providers can come later,
 * through PUT /api/providers) but says so: deploy and validate answer {@code warnings} with the line,
 * column and path of the target; a pipeline with known providers has no {@code warnings} field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployWarningsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TYPO = """
            apiVersion: braid/v1
            kind: Pipeline
            name: typo-provider
            steps:
              - id: ask
                model:
                  task: chat
                  targets: [{ provider: opneai, model: gpt-4o-mini }, { provider: mock, model: any }]
                  prompt: { user: "hi" }
            """;

    EmbeddedServer server;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        server = ApplicationContext.run(EmbeddedServer.class, Map.of("braid.pipelines.shipped", false), "test");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    HttpResponse<String> post(String path, String yaml) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnknownProviderDeploysWithAWarningThatPointsAtIt() throws Exception {
        HttpResponse<String> validated = post("/api/pipelines/validate", TYPO);
        assertEquals(200, validated.statusCode(), validated.body());
        JsonNode warning = JSON.readTree(validated.body()).path("warnings").get(0);
        assertEquals(5, warning.path("line").asInt(), "the line of the step that names it");
        assertEquals("steps[0].model.targets[0].provider", warning.path("path").asText());
        assertTrue(warning.path("message").asText().contains("'opneai'"), warning.toString());

        HttpResponse<String> deployed = post("/api/pipelines", TYPO);
        assertEquals(201, deployed.statusCode(), deployed.body());
        JsonNode body = JSON.readTree(deployed.body());
        assertEquals(1, body.path("warnings").size(), body.toString());
        assertEquals(warning, body.path("warnings").get(0));

        // and it runs: the typo is passed over for the mock, which is what the warning is about
        HttpResponse<String> invoked = client.send(HttpRequest.newBuilder(
                        URI.create(server.getURL() + "/v1/pipelines/typo-provider/invoke"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, invoked.statusCode(), invoked.body());
        assertEquals("mock/any", JSON.readTree(invoked.body()).path("steps").get(0).path("model").asText());
    }

    @Test
    void knownProvidersGiveNoWarningsField() throws Exception {
        HttpResponse<String> deployed = post("/api/pipelines", TYPO.replace("opneai", "local").replace("typo-provider", "fine"));
        assertEquals(201, deployed.statusCode(), deployed.body());
        assertFalse(JSON.readTree(deployed.body()).has("warnings"), deployed.body());
    }
}
