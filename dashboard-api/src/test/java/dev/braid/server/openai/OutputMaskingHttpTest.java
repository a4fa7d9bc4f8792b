package dev.braid.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.server.FakeOpenAi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code mask: {output: true}} over real HTTP, in front of a real OpenAI-speaking server that
 * answers with an e-mail address and a phone number, streamed in 3-character SSE pieces that split
 * both: neither the plain answer, nor the streamed invoke, nor the streamed chat completion lets
 * either original (or a piece of one) reach the caller, and all three say the same.
 */
@MicronautTest(environments = "openai")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputMaskingHttpTest implements TestPropertyProvider {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMAIL = "jane.roe@example.com";
    static final String PHONE = "+44 20 7946 0958";
    static final String QUESTION = "Reach me at " + EMAIL + " or " + PHONE + " today";
    static final String MASKED = "Reach me at <EMAIL_1> or <PHONE_1> today";
    /** Pieces of the originals a split could leak on their own. */
    static final List<String> FRAGMENTS = List.of("jane", ".roe", "example.com", "7946", "0958", "+44");

    final FakeOpenAi upstream = new FakeOpenAi();
    final HttpClient client = HttpClient.newHttpClient();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return upstream.providerProperties("upstream", "models", "fake-gpt");
    }

    @BeforeAll
    void deploy() throws Exception {
        HttpResponse<String> r = post("/api/pipelines?activate=true", "application/yaml", """
                apiVersion: braid/v1
                kind: Pipeline
                name: masked-answer
                input:
                  required: [messages]
                  properties:
                    messages: { type: array }
                stream: reply
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: upstream, model: fake-gpt }]
                      messages: "{{input.messages}}"
                  - id: hide
                    mask: { output: true, entities: [EMAIL, PHONE] }
                """);
        assertEquals(201, r.statusCode(), r.body());
    }

    @AfterAll
    void stop() {
        upstream.close();
    }

    HttpResponse<String> post(String path, String type, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String messages() {
        return "[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]";
    }

    static void assertNoOriginal(String body) {
        assertFalse(body.contains(EMAIL) || body.contains(PHONE), body);
        for (String fragment : FRAGMENTS) {
            assertFalse(body.contains(fragment), "'" + fragment + "' reached the caller: " + body);
        }
    }

    @Test
    void thePlainInvokeAnswerHoldsPlaceholdersOnly() throws Exception {
        HttpResponse<String> r = post("/v1/pipelines/masked-answer/invoke", "application/json",
                "{\"input\":{\"messages\":" + messages() + "}}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertEquals(QUESTION, sent.at("/messages/0/content").asText(), "the answer the upstream echoes holds both originals");
        assertEquals(MASKED, JSON.readTree(r.body()).at("/output/text").asText(), r.body());
        assertNoOriginal(r.body());
    }

    @Test
    void theStreamedInvokeNeverSendsAnOriginalNotEvenSplit() throws Exception {
        HttpResponse<String> r = post("/v1/pipelines/masked-answer/invoke", "application/json",
                "{\"stream\":true,\"input\":{\"messages\":" + messages() + "}}");
        assertEquals(200, r.statusCode(), r.body());
        assertNoOriginal(r.body());
        StringBuilder text = new StringBuilder();
        int deltas = 0;
        JsonNode done = null;
        for (Sse.Frame f : Sse.frames(r.body())) {
            if ("delta".equals(f.event())) {
                deltas++;
                text.append(JSON.readTree(f.data()).get("text").asText());
            } else if ("done".equals(f.event())) {
                done = JSON.readTree(f.data());
            }
        }
        assertEquals(MASKED, text.toString(), r.body());
        assertTrue(deltas >= 4, "still streamed in pieces: " + deltas);
        assertEquals(MASKED, done.at("/output/text").asText(), "the done envelope agrees with the stream");
    }

    @Test
    void theStreamedChatCompletionNeverSendsAnOriginalNotEvenSplit() throws Exception {
        HttpResponse<String> plain = post("/v1/chat/completions", "application/json",
                "{\"model\":\"pipeline/masked-answer\",\"messages\":" + messages() + "}");
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals(MASKED, JSON.readTree(plain.body()).at("/choices/0/message/content").asText(), plain.body());
        assertNoOriginal(plain.body());

        HttpResponse<String> r = post("/v1/chat/completions", "application/json",
                "{\"model\":\"pipeline/masked-answer\",\"stream\":true,\"messages\":" + messages() + "}");
        assertEquals(200, r.statusCode(), r.body());
        assertNoOriginal(r.body());
        StringBuilder text = new StringBuilder();
        int pieces = 0;
        for (JsonNode chunk : ChatWireTest.chunks(Sse.frames(r.body()))) {
            String content = chunk.at("/choices/0/delta/content").asText("");
            if (!content.isEmpty()) {
                pieces++;
                text.append(content);
            }
        }
        assertEquals(MASKED, text.toString(), r.body());
        assertTrue(pieces >= 4, "still streamed in pieces: " + pieces);
    }
}
