package dev.braid.server.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;

/** {@code POST /v1/pipelines/{name}/invoke} with {@code "stream": true}: delta events, then done (or error). */
@MicronautTest
class StreamingInvokeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;

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
