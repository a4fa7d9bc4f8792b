package dev.braid.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.limits.LimitMetrics;
import io.micronaut.context.annotation.Property;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Usage rows equal what callers were told (which is what the mock provider reported): tokens,
 * cost, model and status per request and per step or call, for invoke and for
 * {@code /v1/chat/completions} streamed and not; and {@code /prometheus} shows the series.
 */
@MicronautTest
@Property(name = "micronaut.server.port", value = "-1")
class UsageCaptureTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;

    @Inject
    UsageRecorder recorder;

    @Inject
    DataSource dataSource;

    @Inject
    LimitMetrics limits;

    @Inject
    dev.braid.server.metrics.BraidMetrics metrics;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> post(String path, String requestId, Object body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The rows written for one request id, request row first, then steps by id of insertion. */
    List<Map<String, Object>> rows(String requestId) throws Exception {
        assertTrue(recorder.awaitWritten(Duration.ofSeconds(10)), "the writer caught up");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT * FROM usage_records WHERE request_id = ? ORDER BY kind, id")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    static long num(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    static void assertUsage(JsonNode usage, Map<String, Object> row) {
        assertEquals(usage.get("promptTokens").asLong(), num(row, "prompt_tokens"), row.toString());
        assertEquals(usage.get("completionTokens").asLong(), num(row, "completion_tokens"), row.toString());
        assertEquals(usage.get("totalTokens").asLong(), num(row, "total_tokens"), row.toString());
        assertEquals(usage.get("costUsd").asDouble(), ((Number) row.get("cost_usd")).doubleValue(), 1e-12);
    }

    @Test
    void invokeWritesARequestRowAndOneRowPerStepThatRan() throws Exception {
        String id = "req-inv-" + UUID.randomUUID();
        Map<String, Object> input = Map.of("text", "The lamp arrived cracked, I am unhappy.");
        HttpResponse<String> r = post("/v1/pipelines/customer-feedback/invoke", id, Map.of("input", input));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode envelope = JSON.readTree(r.body());
        List<Map<String, Object>> rows = rows(id);
        Map<String, Object> request = rows.get(0);
        assertEquals("request", request.get("kind"));
        assertEquals("invoke", request.get("source"));
        assertEquals("customer-feedback", request.get("pipeline"));
        assertEquals(envelope.get("version").asInt(), ((Number) request.get("version")).intValue());
        assertEquals("ok", request.get("status"));
        assertEquals("anonymous", request.get("key_id"), "auth is off in tests: the access filter's anonymous key");
        assertEquals(envelope.get("latencyMs").asLong(), num(request, "latency_ms"));
        assertUsage(envelope.get("usage"), request);
        assertTrue(envelope.get("usage").get("totalTokens").asLong() > 0);

        Map<String, Map<String, Object>> steps = new HashMap<>();
        rows.subList(1, rows.size()).forEach(row -> {
            assertEquals("step", row.get("kind"));
            steps.put((String) row.get("step"), row);
        });
        int ran = 0;
        for (JsonNode step : envelope.get("steps")) {
            String stepId = step.get("id").asText();
            if ("skipped".equals(step.get("status").asText())) {
                assertFalse(steps.containsKey(stepId), "a skipped step wrote no row: " + stepId);
                continue;
            }
            ran++;
            Map<String, Object> row = steps.get(stepId);
            assertNotNull(row, stepId + " in " + rows);
            assertEquals(step.get("status").asText(), row.get("status"));
            assertEquals(step.get("latencyMs").asLong(), num(row, "latency_ms"));
            if (step.hasNonNull("model")) {
                assertEquals(step.get("model").asText(), row.get("model"));
                assertEquals(step.get("model").asText().split("/")[0], row.get("provider"));
                assertUsage(step.get("usage"), row);
            } else {
                assertNull(row.get("model"));
                assertEquals(0L, num(row, "total_tokens"));
            }
        }
        assertEquals(ran, steps.size());
        assertEquals("mock/support-primary", steps.get("reply").get("model"));
    }

    @Test
    void chatCompletionWritesTheProviderUsage() throws Exception {
        String id = "req-chat-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("model", "mock/usage-check",
                "messages", List.of(Map.of("role", "user", "content", "count these tokens please")));
        HttpResponse<String> r = post("/v1/chat/completions", id, body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode usage = JSON.readTree(r.body()).get("usage");
        List<Map<String, Object>> rows = rows(id);
        assertEquals(2, rows.size(), rows.toString());
        for (Map<String, Object> row : rows) {
            assertEquals("chat", row.get("source"));
            assertEquals("mock/usage-check", row.get("model"));
            assertEquals("mock", row.get("provider"));
            assertEquals("ok", row.get("status"));
            assertNull(row.get("pipeline"));
            assertEquals(usage.get("prompt_tokens").asLong(), num(row, "prompt_tokens"));
            assertEquals(usage.get("completion_tokens").asLong(), num(row, "completion_tokens"));
            assertEquals(usage.get("total_tokens").asLong(), num(row, "total_tokens"));
            assertNull(row.get("first_token_ms"), "not streamed");
        }
        assertEquals(List.of("request", "step"), rows.stream().map(row -> row.get("kind")).toList());
    }

    @Test
    void streamedChatRecordsUsageAndFirstTokenLatency() throws Exception {
        String id = "req-stream-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("model", "mock/stream-check", "stream", true,
                "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", "stream a few words back to me")));
        HttpResponse<String> r = post("/v1/chat/completions", id, body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode usage = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"choices\":[]")) {
                usage = JSON.readTree(line.substring(6)).get("usage");
            }
        }
        assertNotNull(usage, r.body());
        Map<String, Object> request = rows(id).get(0);
        assertEquals("request", request.get("kind"));
        assertEquals(usage.get("prompt_tokens").asLong(), num(request, "prompt_tokens"));
        assertEquals(usage.get("completion_tokens").asLong(), num(request, "completion_tokens"));
        assertNotNull(request.get("first_token_ms"), request.toString());
        assertTrue(num(request, "first_token_ms") <= num(request, "latency_ms"), request.toString());
    }

    @Test
    void streamedPipelineThroughChatRecordsFirstDelta() throws Exception {
        String id = "req-pstream-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("model", "pipeline/chat-echo", "stream", true,
                "messages", List.of(Map.of("role", "user", "content", "one two three four five")));
        HttpResponse<String> r = post("/v1/chat/completions", id, body);
        assertEquals(200, r.statusCode(), r.body());
        List<Map<String, Object>> rows = rows(id);
        assertEquals(2, rows.size(), rows.toString());
        Map<String, Object> request = rows.get(0);
        assertEquals("chat-echo", request.get("pipeline"));
        assertNotNull(request.get("first_token_ms"));
        assertEquals("reply", rows.get(1).get("step"));
        assertEquals("mock/chat", rows.get(1).get("model"));
        assertEquals(num(request, "total_tokens"), num(rows.get(1), "total_tokens"));
    }

    @Test
    void aFailedRequestIsAnErrorRowWithItsCode() throws Exception {
        String id = "req-fail-" + UUID.randomUUID();
        HttpResponse<String> r = post("/v1/pipelines/no-such-pipeline/invoke", id, Map.of("input", Map.of()));
        assertEquals(404, r.statusCode(), r.body());
        List<Map<String, Object>> rows = rows(id);
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("error", rows.get(0).get("status"));
        assertEquals("pipeline_not_found", rows.get(0).get("error_type"));
    }

    @Test
    void prometheusShowsTheNamedSeries() throws Exception {
        invokeWritesARequestRowAndOneRowPerStepThatRan();
        chatCompletionWritesTheProviderUsage();
        aFailedRequestIsAnErrorRowWithItsCode();
        limits.rejected("rate_limited");
        limits.rejected("rate_limited");
        limits.rejected("a caller's free text");
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/prometheus"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        String text = r.body();
        for (String series : List.of(
                "braid_request_seconds_count{pipeline=\"customer-feedback\",source=\"invoke\",status=\"ok\",version=\"1\"}",
                "braid_request_seconds_bucket{",
                "braid_step_seconds_count{pipeline=\"customer-feedback\",status=\"ok\",step=\"reply\",version=\"1\"}",
                "braid_tokens_total{direction=\"input\",model=\"mock/usage-check\",provider=\"mock\"}",
                "braid_tokens_total{direction=\"output\",model=\"mock/support-primary\",provider=\"mock\"}",
                "braid_cost_usd_total{model=\"mock/usage-check\",provider=\"mock\"}",
                "braid_errors_total{source=\"invoke\",status=\"error\",type=\"pipeline_not_found\"}",
                "braid_request_seconds_count{pipeline=\"unknown\"",
                "braid_pipeline_active_version{pipeline=\"customer-feedback\"} 1.0",
                "braid_usage_queue_depth ",
                "braid_limit_rejections_total{code=\"rate_limited\"} 2.0",
                "braid_limit_rejections_total{code=\"other\"} 1.0",
                "braid_usage_dropped_total ",
                "braid_circuit_state{target=\"mock/usage-check\"} 0.0")) {
            assertTrue(text.contains(series), series + " missing from\n" + grep(text, "braid_"));
        }
        assertFalse(text.contains("req-"), "no request ids in tags");
        assertFalse(text.contains("no-such-pipeline"), "a caller's pipeline name is no tag");
    }

    /** The version tag stays bounded: the newest versions seen keep series, older ones share one. */
    @Test
    void prometheusVersionTagsAreBoundedPerPipeline() throws Exception {
        for (int v = 1; v <= 12; v++) {
            metrics.recorded(new UsageRecord(UsageRecord.Kind.REQUEST, "invoke", "req_cap_" + v, null, "echo", v,
                    null, null, null, "ok", null, 5, null, 0, 0, 0, 0.0, false, false, System.currentTimeMillis()));
        }
        // v1 comes back after v5..v12 took the tags: it is counted as "older", not as a new series
        metrics.recorded(new UsageRecord(UsageRecord.Kind.REQUEST, "invoke", "req_cap_old", null, "echo", 1,
                null, null, null, "ok", null, 5, null, 0, 0, 0, 0.0, false, false, System.currentTimeMillis()));
        String text = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.Set<String> versions = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "braid_request_seconds_count\\{pipeline=\"echo\",source=\"invoke\",status=\"ok\",version=\"([^\"]+)\"}")
                .matcher(text);
        while (m.find()) {
            versions.add(m.group(1));
        }
        assertEquals(new java.util.TreeSet<>(List.of("5", "6", "7", "8", "9", "10", "11", "12", "older")), versions,
                grep(text, "braid_request_seconds_count{pipeline=\"echo\""));
        String older = "braid_request_seconds_count{pipeline=\"echo\",source=\"invoke\",status=\"ok\",version=\"older\"} ";
        assertTrue(text.contains(older + "1\n") || text.contains(older + "1.0\n"),
                grep(text, "braid_request_seconds_count{pipeline=\"echo\""));
    }

    static String grep(String text, String prefix) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix) && !line.contains("_bucket")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
