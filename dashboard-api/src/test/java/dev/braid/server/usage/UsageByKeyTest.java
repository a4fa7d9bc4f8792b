package dev.braid.server.usage;

import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With keys on: usage rows carry the calling key's id ({@code GET /api/usage?key=…}), a viewer may
 * read usage and an invoker may not, and a rate-limit refusal shows in
 * {@code braid_limit_rejections_total{code="rate_limited"}}.
 */
class UsageByKeyTest {

    @Test
    void usageIsRecordedPerKeyAndLimitRefusalsAreCounted() throws Exception {
        try (KeyServer server = KeyServer.start(Map.of("braid.pipelines.shipped", true))) {
            JsonNode created = server.createKey("{\"name\":\"shop\",\"role\":\"invoker\",\"requestsPerMinute\":1}");
            String keyId = created.path("id").asText();
            String secret = created.path("key").asText();
            HttpResponse<String> first = server.post("/v1/pipelines/echo/invoke", secret, "{\"input\":{\"a\":1}}");
            assertEquals(200, first.statusCode(), first.body());
            HttpResponse<String> second = server.post("/v1/pipelines/echo/invoke", secret, "{\"input\":{\"a\":2}}");
            assertEquals(429, second.statusCode(), second.body());
            assertTrue(server.bean(UsageRecorder.class).awaitWritten(Duration.ofSeconds(10)));

            String viewer = server.secret("viewer");
            HttpResponse<String> usage = server.get("/api/usage?key=" + keyId + "&groupBy=key,pipeline", viewer);
            assertEquals(200, usage.statusCode(), usage.body());
            JsonNode rows = KeyServer.json(usage).get("rows");
            assertEquals(1, rows.size(), rows.toString());
            assertEquals(keyId, rows.get(0).get("key").asText());
            assertEquals("echo", rows.get(0).get("pipeline").asText());
            assertEquals(1, rows.get(0).get("requests").asLong(), "the refused call never reached a pipeline");

            assertEquals(403, server.get("/api/usage", secret).statusCode(), "an invoker cannot read /api");
            assertEquals(401, server.get("/api/usage", null).statusCode());

            String metrics = server.get("/prometheus", null).body();
            assertTrue(metrics.contains("braid_limit_rejections_total{code=\"rate_limited\"} 1.0"), metrics);
        }
    }
}
