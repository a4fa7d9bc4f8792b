package dev.braid.server.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.openai.Sse;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/pipelines/{name}/invoke} with {@code "stream": true}: delta events, then done (or error). */
@MicronautTest
class StreamingInvokeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;

    @Inject
    PipelineRuntime runtime;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> invoke(String pipeline, String input) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/pipelines/" + pipeline + "/invoke"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true,\"input\":" + input + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theStreamStepsDeltasComeAsDeltaEventsThenTheEnvelope() throws Exception {
        HttpResponse<String> response = invoke("chat-echo",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"four words streamed here\"}]}");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<Sse.Frame> frames = Sse.frames(response.body());
        Sse.Frame done = frames.get(frames.size() - 1);
        assertEquals("done", done.event());
        StringBuilder text = new StringBuilder();
        for (Sse.Frame f : frames.subList(0, frames.size() - 1)) {
            assertEquals("delta", f.event(), response.body());
            JsonNode delta = JSON.readTree(f.data());
            assertEquals("reply", delta.get("step").asText());
            assertEquals(2, delta.size(), "{step, text} only: " + delta);
            text.append(delta.get("text").asText());
        }
        assertEquals(4, frames.size() - 1, "one delta per word: " + response.body());
        assertEquals("four words streamed here", text.toString());
        JsonNode envelope = JSON.readTree(done.data());
        assertEquals("chat-echo", envelope.get("pipeline").asText());
        assertEquals("four words streamed here", envelope.at("/output/text").asText());
        assertEquals("mock/chat", envelope.at("/steps/0/model").asText());
        assertTrue(envelope.at("/usage/totalTokens").asLong() > 0, envelope.toString());
    }

    @Test
    void maskedValuesComeBackRestoredInTheStream() throws Exception {
        HttpResponse<String> response = invoke("customer-feedback",
                "{\"text\":\"Please write to jane.doe@example.com about my order\"}");
        assertEquals(200, response.statusCode(), response.body());
        List<Sse.Frame> frames = Sse.frames(response.body());
        StringBuilder text = new StringBuilder();
        for (Sse.Frame f : frames) {
            if ("delta".equals(f.event())) {
                text.append(JSON.readTree(f.data()).get("text").asText());
            }
        }
        // the mock saw (and echoes) the placeholder; the caller gets the original back, as in the final output
        assertEquals("Please write to jane.doe@example.com about my order", text.toString());
        assertFalse(response.body().contains("<EMAIL_"), response.body());
        JsonNode envelope = JSON.readTree(frames.get(frames.size() - 1).data());
        assertEquals("Please write to jane.doe@example.com about my order", envelope.at("/output/reply").asText());
    }

    @Test
    void aFailureAfterTheFirstDeltaIsAnErrorEventAndNoDone() throws Exception {
        HttpResponse<String> response = invoke("chat-breaks", "{\"text\":\"one two three four\"}");
        assertEquals(200, response.statusCode(), response.body());
        List<Sse.Frame> frames = Sse.frames(response.body());
        assertEquals(List.of("delta", "delta", "error"), frames.stream().map(Sse.Frame::event).toList(), response.body());
        JsonNode error = JSON.readTree(frames.get(2).data()).get("error");
        assertEquals("provider_error", error.get("code").asText());
        assertEquals("upstream_error", error.get("type").asText());
        assertTrue(error.has("param"));
    }

    @Test
    void aPinnedVersionLoadedOnDemandStillStreams() throws Exception {
        String yaml = """
                apiVersion: braid/v1
                kind: Pipeline
                name: od-stream
                input: { required: [text], properties: { text: { type: string } } }
                stream: reply
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: v%d }]
                      prompt: { user: "{{input.text}}" }
                """;
        assertEquals(201, deploy(yaml.formatted(1), "").statusCode());
        assertEquals(201, deploy(yaml.formatted(2), "activate=true").statusCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (runtime.loadedVersion("od-stream", 1).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20); // version 1 drains and leaves memory
        }
        assertTrue(runtime.loadedVersion("od-stream", 1).isEmpty(), "version 1 was unloaded");
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                URI.create(server.getURL() + "/v1/pipelines/od-stream/invoke?version=1"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true,\"input\":{\"text\":\"from the database\"}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        List<Sse.Frame> frames = Sse.frames(response.body());
        assertEquals(List.of("delta", "delta", "delta", "done"), frames.stream().map(Sse.Frame::event).toList(),
                response.body());
        JsonNode envelope = JSON.readTree(frames.get(3).data());
        assertEquals(1, envelope.get("version").asInt());
        assertEquals("mock/v1", envelope.at("/steps/0/model").asText());
    }

    HttpResponse<String> deploy(String yaml, String query) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/api/pipelines"
                                + (query.isEmpty() ? "" : "?" + query)))
                        .header("Content-Type", "application/yaml")
                        .POST(HttpRequest.BodyPublishers.ofString(yaml))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFailureBeforeAnyEventIsAPlainHttpError() throws Exception {
        HttpResponse<String> unknown = invoke("no-such-pipeline", "{}");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("pipeline_not_found", JSON.readTree(unknown.body()).at("/error/code").asText());
        HttpResponse<String> invalid = invoke("chat-echo", "{\"text\":\"no messages\"}");
        assertEquals(400, invalid.statusCode(), invalid.body());
        assertEquals("input", JSON.readTree(invalid.body()).at("/error/param").asText());
        assertNull(invalid.headers().firstValue("Content-Type").filter(t -> t.startsWith("text/event-stream")).orElse(null));
    }
}
