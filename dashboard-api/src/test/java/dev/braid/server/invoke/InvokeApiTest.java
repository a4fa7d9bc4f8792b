package dev.braid.server.invoke;

import dev.braid.server.Http;
import static dev.braid.server.Http.assertError;
import static dev.braid.server.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The invoke API over real HTTP, against the shipped pipelines and the test ones in src/test/pipelines. */
@MicronautTest
class InvokeApiTest {

    @Inject
    EmbeddedServer server;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(server.getURL());
    }

    @Test
    void echoAnswersWithTheEnvelope() throws Exception {
        HttpResponse<String> response =
                http.postJson("/v1/pipelines/echo/invoke", "{\"input\":{\"text\":\"hello\",\"n\":3,\"tags\":[\"a\"]}}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode envelope = json(response);
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(requestId.startsWith("req_"), requestId);
        assertEquals(requestId, envelope.get("id").asText());
        assertEquals("echo", envelope.get("pipeline").asText());
        assertEquals(1, envelope.get("version").asInt());
        assertEquals(Http.JSON.readTree("{\"text\":\"hello\",\"n\":3,\"tags\":[\"a\"]}"), envelope.get("output"));
        JsonNode step = envelope.get("steps").get(0);
        assertEquals("echo", step.get("id").asText());
        assertEquals("ok", step.get("status").asText());
        assertTrue(step.get("latencyMs").asLong() >= 0);
        assertFalse(step.has("model"), "null step fields are left out: " + step);
        assertFalse(step.has("usage"), "null step fields are left out: " + step);
        JsonNode usage = envelope.get("usage");
        for (String field : new String[] {"promptTokens", "completionTokens", "totalTokens", "costUsd"}) {
            assertTrue(usage.has(field), field + " in " + usage);
        }
        assertEquals(0, usage.get("totalTokens").asLong());
        assertTrue(envelope.get("latencyMs").asLong() >= 0);
    }

    @Test
    void thePipelineOutputIsSentVerbatimNullsIncluded() throws Exception {
        String input = "{\"a\":null,\"nested\":{\"b\":null,\"list\":[null,1]}}";
        HttpResponse<String> response = http.postJson("/v1/pipelines/echo/invoke", "{\"input\":" + input + "}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Http.JSON.readTree(input), json(response).get("output"));
    }

    @Test
    void aSaneCallerRequestIdIsTheEnvelopeIdAndAnInsaneOneIsReplaced() throws Exception {
        HttpResponse<String> response = http.send(http.request("/v1/pipelines/echo/invoke")
                .header("Content-Type", "application/json")
                .header("X-Request-Id", "shop-42.a:b")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}")));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("shop-42.a:b", json(response).get("id").asText());
        assertEquals("shop-42.a:b", response.headers().firstValue("X-Request-Id").orElseThrow());

        HttpResponse<String> replaced = http.send(http.request("/v1/pipelines/echo/invoke")
                .header("Content-Type", "application/json")
                .header("X-Request-Id", "x".repeat(300))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}")));
        String id = json(replaced).get("id").asText();
        assertTrue(id.startsWith("req_"), id);
        assertEquals(id, replaced.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void summarizeAndClassifyRunsItsParallelBranchesAndSumsUsage() throws Exception {
        HttpResponse<String> response = http.postJson(
                "/v1/pipelines/summarize-and-classify/invoke",
                "{\"input\":{\"text\":\"The new release is great. Setup was easy and the team loved the faster builds.\"}}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode envelope = json(response);
        JsonNode output = envelope.get("output");
        assertTrue(output.get("summary").asText().contains("release"), output.toString());
        assertEquals("positive", output.get("sentiment").asText(), output.toString());
        assertEquals(false, output.get("flagged").asBoolean(true), output.toString());
        long stepTokens = 0;
        Map<String, String> statuses = new HashMap<>();
        for (JsonNode step : envelope.get("steps")) {
            statuses.put(step.get("id").asText(), step.get("status").asText());
            stepTokens += step.path("usage").path("totalTokens").asLong(0);
        }
        assertEquals(Map.of("summary", "ok", "classify", "ok", "sentiment", "ok", "moderation", "ok", "result", "ok"), statuses);
        assertEquals(stepTokens, envelope.get("usage").get("totalTokens").asLong(), "envelope usage is the sum of the steps'");
        assertTrue(stepTokens > 0);
    }

    @Test
    void aVersionCanBePinnedInTheBodyOrTheQuery() throws Exception {
        assertEquals(1, json(http.postJson("/v1/pipelines/echo/invoke?version=1", "{\"input\":{}}")).get("version").asInt());
        assertEquals(1, json(http.postJson("/v1/pipelines/echo/invoke", "{\"input\":{},\"version\":1}")).get("version").asInt());
        assertError(http.postJson("/v1/pipelines/echo/invoke?version=7", "{\"input\":{}}"), 404, "version_not_found");
        assertError(http.postJson("/v1/pipelines/echo/invoke", "{\"input\":{},\"version\":7}"), 404, "version_not_found");
        assertError(http.postJson("/v1/pipelines/echo/invoke?version=2", "{\"input\":{},\"version\":1}"), 400, "invalid_request");
    }

    @Test
    void anUnknownPipelineIs404() throws Exception {
        assertError(http.postJson("/v1/pipelines/no-such-pipeline/invoke", "{\"input\":{}}"), 404, "pipeline_not_found");
    }

    @Test
    void aPipelineThatFailedToDeployAtStartupIsAbsentAndTheOthersRun() throws Exception {
        assertError(http.postJson("/v1/pipelines/broken/invoke", "{\"input\":{}}"), 404, "pipeline_not_found");
        assertEquals(200, http.postJson("/v1/pipelines/echo/invoke", "{\"input\":{}}").statusCode());
    }

    @Test
    void inputThatBreaksThePipelineSchemaIs400() throws Exception {
        JsonNode error = assertError(
                http.postJson("/v1/pipelines/summarize-and-classify/invoke", "{\"input\":{\"txt\":\"x\"}}"),
                400,
                "invalid_input");
        assertEquals("input", error.get("param").asText());
        assertTrue(error.get("message").asText().contains("text"), error.toString());
    }

    @Test
    void streamingAPipelineWithoutAStreamStepAnswersOneDoneEvent() throws Exception {
        HttpResponse<String> response = http.postJson("/v1/pipelines/echo/invoke", "{\"input\":{\"a\":1},\"stream\":true}");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        String prefix = "event: done\ndata: ";
        assertTrue(response.body().startsWith(prefix) && response.body().endsWith("\n\n"), response.body());
        JsonNode envelope = Http.JSON.readTree(response.body().substring(prefix.length()).strip());
        assertEquals(Http.JSON.readTree("{\"a\":1}"), envelope.get("output"));
        assertEquals("echo", envelope.get("pipeline").asText());
    }

    @Test
    void aFailingProviderIs502UpstreamError() throws Exception {
        assertError(http.postJson("/v1/pipelines/upstream-down/invoke", "{\"input\":{\"text\":\"hi\"}}"), 502, "provider_error");
    }

    @Test
    void aRateLimitedProviderIs429WithItsRetryAfter() throws Exception {
        HttpResponse<String> response =
                http.postJson("/v1/pipelines/rate-limited/invoke", "{\"input\":{\"text\":\"hi\"}}");
        assertError(response, 429, "provider_rate_limited");
        assertEquals("3", response.headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void differentRequestsGetDifferentIds() throws Exception {
        String a = json(http.postJson("/v1/pipelines/echo/invoke", "{\"input\":{}}")).get("id").asText();
        String b = json(http.postJson("/v1/pipelines/echo/invoke", "{\"input\":{}}")).get("id").asText();
        assertNotEquals(a, b);
    }
}
