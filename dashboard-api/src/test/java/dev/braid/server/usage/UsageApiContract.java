package dev.braid.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/usage} against a real database: known records go in through the JDBC sink (the
 * writer's own path), and filters, groupings, sums and percentiles come out as computed by hand.
 * Runs on H2 and on PostgreSQL (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UsageApiContract {

    static final ObjectMapper JSON = new ObjectMapper();
    // 2026-01-05T10:00Z and the hours/days around it: far from "now", so live traffic never mixes in
    static final Instant T = Instant.parse("2026-01-05T10:00:00Z");

    abstract TestDatabase.Kind kind();

    TestDatabase db;
    EmbeddedServer server;
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create(kind());
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        List<UsageRecord> records = new ArrayList<>();
        // pipeline a, v1: 10 requests in hour 10 with latencies 10..100 ms, one failed, each 10+5 tokens, $0.001
        for (int i = 1; i <= 10; i++) {
            String status = i == 10 ? "error" : "ok";
            records.add(request("a", 1, "key_1", status, i * 10L, 10, 5, 0.001, T.plusSeconds(i)));
            records.add(step("a", 1, "reply", "mock/echo", status, i * 10L - 2, 10, 5, 0.001, T.plusSeconds(i)));
        }
        // pipeline a, v2: 2 requests in hour 11 (another key)
        records.add(request("a", 2, "key_2", "ok", 200, 1, 1, 0.5, T.plusSeconds(3600 + 5)));
        records.add(request("a", 2, "key_2", "ok", 400, 1, 1, 0.5, T.plusSeconds(3600 + 6)));
        // pipeline b: 1 request the next day, two model steps
        Instant nextDay = T.plusSeconds(86_400);
        records.add(request("b", 1, null, "ok", 50, 30, 20, 0.25, nextDay));
        records.add(step("b", 1, "reply", "openai/gpt-4o-mini", "ok", 30, 20, 10, 0.2, nextDay));
        records.add(step("b", 1, "mood", "local/lexicon", "ok", 5, 10, 10, 0.05, nextDay));
        server.getApplicationContext().getBean(JdbcUsageSink.class).write(records);
    }

    @AfterAll
    void stop() {
        server.close();
        db.close();
    }

    static UsageRecord request(String pipeline, int version, String key, String status, long latency,
            long in, long out, double cost, Instant at) {
        return new UsageRecord(UsageRecord.Kind.REQUEST, "invoke", "req_" + at.toEpochMilli(), key, pipeline, version,
                null, null, null, status, "ok".equals(status) ? null : "upstream_error", latency, null, in, out,
                in + out, cost, false, false, at.toEpochMilli());
    }

    static UsageRecord step(String pipeline, int version, String step, String model, String status, long latency,
            long in, long out, double cost, Instant at) {
        return new UsageRecord(UsageRecord.Kind.STEP, "invoke", "req_" + at.toEpochMilli(), null, pipeline, version,
                step, model.substring(0, model.indexOf('/')), model, status, null, latency, null, in, out, in + out,
                cost, false, false, at.toEpochMilli());
    }

    JsonNode get(String query) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/api/usage?" + query))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void totalsOverAWindow() throws Exception {
        JsonNode body = get("from=2026-01-05&to=2026-01-06");
        assertEquals("2026-01-05T00:00:00Z", body.get("from").asText());
        assertEquals("2026-01-07T00:00:00Z", body.get("to").asText(), "a date as 'to' includes that day");
        assertEquals("request", body.get("level").asText());
        assertEquals(0, body.get("groupBy").size());
        JsonNode row = only(body);
        assertEquals(13, row.get("requests").asLong());
        assertEquals(1, row.get("errors").asLong());
        assertEquals(10 * 10 + 2 + 30, row.get("promptTokens").asLong());
        assertEquals(10 * 5 + 2 + 20, row.get("completionTokens").asLong());
        assertEquals(10 * 15 + 4 + 50, row.get("totalTokens").asLong());
        assertEquals(0.01 + 1.0 + 0.25, row.get("costUsd").asDouble(), 1e-9);
    }

    @Test
    void groupByPipelineAndVersionWithPercentiles() throws Exception {
        JsonNode rows = get("from=2026-01-05T00:00:00Z&to=2026-01-07T00:00:00Z&groupBy=pipeline,version").get("rows");
        assertEquals(3, rows.size(), rows.toString());
        JsonNode a1 = rows.get(0);
        assertEquals("a", a1.get("pipeline").asText());
        assertEquals(1, a1.get("version").asInt());
        assertEquals(10, a1.get("requests").asLong());
        assertEquals(1, a1.get("errors").asLong());
        // latencies 10,20,…,100: continuous percentiles as PostgreSQL defines them
        assertEquals(55.0, a1.get("latencyP50Ms").asDouble(), 1e-6);
        assertEquals(95.5, a1.get("latencyP95Ms").asDouble(), 1e-6);
        assertEquals(99.1, a1.get("latencyP99Ms").asDouble(), 1e-6);
        assertTrue(a1.get("firstTokenP50Ms").isNull());
        JsonNode a2 = rows.get(1);
        assertEquals(2, a2.get("version").asInt());
        assertEquals(300.0, a2.get("latencyP50Ms").asDouble(), 1e-6);
        assertEquals("b", rows.get(2).get("pipeline").asText());
    }

    /** The figures an operator compares between versions: per pipeline version, shares and per-request cost. */
    @Test
    void groupByVersionAloneIsPerPipelineVersionWithErrorRateAndCostPerRequest() throws Exception {
        JsonNode body = get("from=2026-01-05T00:00:00Z&to=2026-01-07T00:00:00Z&groupBy=version");
        assertEquals("[\"pipeline\",\"version\"]", body.get("groupBy").toString(),
                "a version number means nothing without its pipeline");
        JsonNode rows = body.get("rows");
        assertEquals(3, rows.size(), rows.toString());
        JsonNode a1 = rows.get(0);
        assertEquals("a", a1.get("pipeline").asText());
        assertEquals(1, a1.get("version").asInt());
        assertEquals(10, a1.get("requests").asLong());
        assertEquals(1, a1.get("errors").asLong());
        assertEquals(0.1, a1.get("errorRate").asDouble(), 1e-9);
        assertEquals(55.0, a1.get("latencyP50Ms").asDouble(), 1e-6);
        assertEquals(99.1, a1.get("latencyP99Ms").asDouble(), 1e-6);
        assertEquals(0.001, a1.get("costPerRequestUsd").asDouble(), 1e-9);
        JsonNode a2 = rows.get(1);
        assertEquals(2, a2.get("version").asInt());
        assertEquals(0.0, a2.get("errorRate").asDouble(), 1e-9);
        assertEquals(0.5, a2.get("costPerRequestUsd").asDouble(), 1e-9);
        assertEquals(300.0, a2.get("latencyP50Ms").asDouble(), 1e-6);
        JsonNode b1 = rows.get(2);
        assertEquals("b", b1.get("pipeline").asText());
        assertEquals(1, b1.get("version").asInt());
        assertEquals(0.25, b1.get("costPerRequestUsd").asDouble(), 1e-9);
    }

    @Test
    void filtersByPipelineKeyAndTime() throws Exception {
        assertEquals(12, only(get("from=2026-01-05&to=2026-01-06&pipeline=a")).get("requests").asLong());
        assertEquals(2, only(get("from=2026-01-05&to=2026-01-06&key=key_2")).get("requests").asLong());
        // [10:00, 11:00) holds pipeline a v1 only; 'to' is exclusive
        assertEquals(10, only(get("from=2026-01-05T10:00:00Z&to=2026-01-05T11:00:00Z")).get("requests").asLong());
        assertEquals(0, get("from=2025-01-01&to=2025-01-02").get("rows").size());
    }

    @Test
    void groupByModelCountsModelCalls() throws Exception {
        JsonNode body = get("from=2026-01-05&to=2026-01-06&groupBy=model");
        assertEquals("step", body.get("level").asText());
        JsonNode rows = body.get("rows");
        assertEquals(3, rows.size(), rows.toString());
        assertEquals("local/lexicon", rows.get(0).get("model").asText());
        assertEquals("mock/echo", rows.get(1).get("model").asText());
        assertEquals(10, rows.get(1).get("requests").asLong());
        assertEquals(1, rows.get(1).get("errors").asLong());
        assertEquals("openai/gpt-4o-mini", rows.get(2).get("model").asText());
        assertEquals(0.2, rows.get(2).get("costUsd").asDouble(), 1e-9);
        JsonNode filtered = get("from=2026-01-05&to=2026-01-06&model=openai/gpt-4o-mini&groupBy=step");
        assertEquals("reply", only(filtered).get("step").asText());
    }

    @Test
    void timeSeriesByHourAndDay() throws Exception {
        JsonNode hours = get("from=2026-01-05&to=2026-01-06&groupBy=hour,pipeline").get("rows");
        assertEquals(3, hours.size(), hours.toString());
        assertEquals("2026-01-05T10:00:00Z", hours.get(0).get("hour").asText());
        assertEquals(10, hours.get(0).get("requests").asLong());
        assertEquals("2026-01-05T11:00:00Z", hours.get(1).get("hour").asText());
        assertEquals(2, hours.get(1).get("requests").asLong());
        assertEquals("2026-01-06T10:00:00Z", hours.get(2).get("hour").asText());
        assertEquals("b", hours.get(2).get("pipeline").asText());
        JsonNode days = get("from=2026-01-05&to=2026-01-06&groupBy=day").get("rows");
        assertEquals(2, days.size());
        assertEquals("2026-01-05T00:00:00Z", days.get(0).get("day").asText());
        assertEquals(12, days.get(0).get("requests").asLong());
        JsonNode keys = get("from=2026-01-05&to=2026-01-06&groupBy=key").get("rows");
        assertEquals(3, keys.size());
        assertEquals("key_1", keys.get(0).get("key").asText());
        assertNull(keys.get(2).get("key").textValue(), "requests without a key group under null");
    }

    @Test
    void badParametersAre400() throws Exception {
        for (String q : List.of("groupBy=colour", "from=yesterday", "from=2026-01-06&to=2026-01-05", "groupBy=day,hour")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/api/usage?" + q))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), q + ": " + r.body());
            assertEquals("invalid_request", JSON.readTree(r.body()).path("error").path("code").asText());
        }
    }

    static JsonNode only(JsonNode body) {
        assertEquals(1, body.get("rows").size(), body.toString());
        return body.get("rows").get(0);
    }
}
