package dev.braid.server.usage;

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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pipeline step answered from the response cache says so everywhere: in the envelope's step
 * ({@code cached: true}, only then) and in its usage row, which {@code GET /api/usage} counts.
 */
class CachedStepUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: cached-usage
            input:
              properties:
                text: { type: string }
            steps:
              - id: ask
                model:
                  task: chat
                  targets: [{ provider: mock, model: cache-me }]
                  prompt: { user: "{{input.text}}" }
                  cache: { ttl: 1m }
            """;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aCacheHitIsMarkedInTheEnvelopeAndCountedInUsage() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                Map.of("braid.pipelines.shipped", false, "braid.usage.flush-interval", "50ms"), "test")) {
            URI base = URI.create(server.getURL().toString());
            HttpResponse<String> deployed = send(base, "/api/pipelines?activate=true", "application/yaml", YAML);
            assertEquals(201, deployed.statusCode(), deployed.body());

            JsonNode first = JSON.readTree(send(base, "/v1/pipelines/cached-usage/invoke", "application/json",
                    "{\"input\":{\"text\":\"same question\"}}").body());
            JsonNode second = JSON.readTree(send(base, "/v1/pipelines/cached-usage/invoke", "application/json",
                    "{\"input\":{\"text\":\"same question\"}}").body());
            assertFalse(first.path("steps").get(0).has("cached"), "a miss carries no flag: " + first);
            assertTrue(second.path("steps").get(0).path("cached").asBoolean(), second.toString());

            String window = "from=" + Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                    + "&to=" + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 10_000;
            JsonNode row;
            do {
                Thread.sleep(50);
                HttpResponse<String> usage = client.send(HttpRequest.newBuilder(
                        base.resolve("/api/usage?" + window + "&pipeline=cached-usage&groupBy=step")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, usage.statusCode(), usage.body());
                JsonNode rows = JSON.readTree(usage.body()).path("rows");
                row = rows.size() == 1 ? rows.get(0) : null;
            } while ((row == null || row.path("requests").asLong() < 2) && System.currentTimeMillis() < deadline);
            assertTrue(row != null && row.path("requests").asLong() == 2, "both step rows written: " + row);
            assertEquals(1, row.path("cached").asLong(), "the hit's row is marked cached: " + row);
        }
    }

    private HttpResponse<String> send(URI base, String path, String type, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
