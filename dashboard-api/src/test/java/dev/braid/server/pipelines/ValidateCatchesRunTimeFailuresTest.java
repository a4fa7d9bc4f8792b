package dev.braid.server.pipelines;

import static dev.braid.server.Client.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Over the admin API, pipelines that used to validate and then fail or be ignored at run time
 * answer 422 with line and column (issue 13 item 15), and an astral character where the YAML
 * library's read window ends validates instead of answering 500 (item 9).
 */
@MicronautTest
class ValidateCatchesRunTimeFailuresTest {

    @Inject
    EmbeddedServer server;

    Client client;

    @BeforeEach
    void client() {
        client = new Client(server.getURL());
    }

    private JsonNode firstError(String yaml) throws Exception {
        HttpResponse<String> r = client.postYaml("/api/pipelines/validate", yaml);
        assertEquals(422, r.statusCode(), r.body());
        return json(r).get("error").get("errors").get(0);
    }

    @Test
    void providerSettingsOnATargetAre422AtTheKeyWithADidYouMean() throws Exception {
        JsonNode e = firstError("""
                apiVersion: braid/v1
                kind: Pipeline
                name: target-keys
                steps:
                  - id: reply
                    model:
                      targets:
                        - { provider: openai, model: gpt-4o-mini, baseUrl: "https://proxy.example.com/v1" }
                        - { provider: mock, model: echo, wieght: 2 }
                      prompt: { user: hi }
                """);
        assertEquals(8, e.get("line").asInt(), e.toString());
        assertEquals(51, e.get("column").asInt(), e.toString());
        assertEquals("steps[0].model.targets[0].baseUrl", e.get("path").asText(), e.toString());
        assertTrue(e.get("message").asText().contains("unknown key 'baseUrl' on a target"), e.toString());
        HttpResponse<String> r = client.postYaml("/api/pipelines/validate", """
                apiVersion: braid/v1
                kind: Pipeline
                name: target-keys
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: echo, wieght: 2 }]
                      prompt: { user: hi }
                """);
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("did you mean 'weight'?"), r.body());
    }

    @Test
    void aRestrictedEnrichHeaderIs422AtTheHeader() throws Exception {
        for (String header : new String[] {"Host", "Content-Length", "Connection", "Transfer-Encoding"}) {
            JsonNode e = firstError("""
                    apiVersion: braid/v1
                    kind: Pipeline
                    name: enrich-headers
                    steps:
                      - id: lookup
                        enrich:
                          url: "https://api.example.com/x"
                          headers: { %s: "x" }
                    """.formatted(header));
            assertEquals(8, e.get("line").asInt(), e.toString());
            assertEquals(18, e.get("column").asInt(), e.toString());
            assertEquals("steps[0].enrich.headers." + header, e.get("path").asText(), e.toString());
            assertTrue(e.get("message").asText().contains("managed by the HTTP client"), e.toString());
        }
    }

    @Test
    void anEmojiWhereTheYamlReadWindowEndsValidates() throws Exception {
        String head = "apiVersion: braid/v1\nkind: Pipeline\nname: emoji\ndescription: \"";
        for (int at : new int[] {1024, 2049}) {
            StringBuilder yaml = new StringBuilder(head);
            while (yaml.length() < at) {
                yaml.append('x');
            }
            yaml.append("\uD83D\uDE00\"\nsteps: [{ id: t, transform: { jsonata: input } }]\n");
            HttpResponse<String> r = client.postYaml("/api/pipelines/validate", yaml.toString());
            assertEquals(200, r.statusCode(), "emoji at " + at + ": " + r.body());
        }
    }
}
