package dev.braid.server.requestlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /api/requests} against a real server on H2 and on PostgreSQL: metadata of every
 * request always (key by name, door, pipeline, version, status, tokens, the request id the caller
 * sent); prompt and answer text only with {@code braid.request-log.text}, masked, to admin keys
 * only, and gone after the retention period; bad parameters are 400s.
 */
class RequestLogApiTest {

    static final String ADMIN = "bk_live_RequestLogAdminKey0000000000000000000000";
    static final String SECRET = "sk-live-INTERNAL-7f3a9c2e5b";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PIPELINE = """
            apiVersion: braid/v1
            kind: Pipeline
            name: logged
            steps:
              - id: reply
                model:
                  task: chat
                  targets: [{ provider: mock, model: m }]
                  prompt: { user: "{{input.text}}" }
            """;

    HttpClient http = HttpClient.newHttpClient();
    URI base;

    EmbeddedServer start(TestDatabase db, boolean text) throws Exception {
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.pipelines.dir", Files.createTempDirectory("braid-reqlog-").toString());
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.usage.flush-interval", "50ms");
        p.put("braid.guard.secrets", SECRET);
        if (text) {
            p.put("braid.request-log.text", true);
            p.put("braid.request-log.text-retention", "3s");
        }
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        base = URI.create(server.getURL().toString());
        assertEquals(201, send("POST", "/api/pipelines", PIPELINE, ADMIN, "application/yaml", null).statusCode());
        return server;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void metadataAlwaysTextNeverWhenOff(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind); EmbeddedServer server = start(db, false)) {
            String invoker = key("ci-invoker", "invoker");
            String viewer = key("ops-viewer", "viewer");
            HttpResponse<String> r = send("POST", "/v1/pipelines/logged/invoke",
                    "{\"input\":{\"text\":\"mail me at ada@example.com\"}}", invoker, "application/json", "req-log-1");
            assertEquals(200, r.statusCode(), r.body());
            send("POST", "/v1/pipelines/logged/invoke", "{\"input\":{\"text\":\"second\"}}", invoker, "application/json",
                    "req-log-2");
            JsonNode page = await("/api/requests", viewer, a -> a.path("requests").size() == 2);
            assertFalse(page.path("textLogging").asBoolean());
            JsonNode first = page.path("requests").get(1);
            assertEquals("req-log-1", first.path("requestId").asText());
            assertEquals("ci-invoker", first.path("key").path("name").asText());
            assertTrue(first.path("key").path("id").asText().startsWith("key_"), first.toString());
            assertEquals("invoke", first.path("source").asText());
            assertEquals("logged", first.path("pipeline").asText());
            assertEquals(1, first.path("version").asInt());
            assertEquals("ok", first.path("status").asText());
            assertTrue(first.path("totalTokens").asLong() > 0, first.toString());
            assertTrue(first.has("latencyMs") && first.has("costUsd") && first.has("at"), first.toString());
            assertFalse(first.path("hasText").asBoolean());
            assertTrue(first.path("prompt").isNull() && first.path("answer").isNull(), first.toString());
            assertFalse(page.toString().contains("ada@example.com"));

            // newest first, one page at a time
            JsonNode one = get("/api/requests?limit=1", viewer);
            assertEquals("req-log-2", one.path("requests").get(0).path("requestId").asText());
            JsonNode two = get("/api/requests?limit=1&before=" + one.path("next").asText(), viewer);
            assertEquals("req-log-1", two.path("requests").get(0).path("requestId").asText());
            assertTrue(two.path("next").isNull(), two.toString());
            // filters: by key name, by pipeline, by status
            assertEquals(2, get("/api/requests?key=ci-invoker", viewer).path("requests").size());
            assertEquals(0, get("/api/requests?pipeline=other", viewer).path("requests").size());
            assertEquals(0, get("/api/requests?status=error", viewer).path("requests").size());

            // bad parameters: 400 invalid_request naming the parameter, never a 500
            for (String[] bad : new String[][] {{"limit=0", "limit"}, {"limit=abc", "limit"}, {"before=%25%25not-a-cursor", "before"},
                    {"status=weird", "status"}, {"pipeline=a%00b", "pipeline"}, {"since=yesterday", "since"},
                    {"pipeline=" + "x".repeat(300), "pipeline"}}) {
                HttpResponse<String> refused = send("GET", "/api/requests?" + bad[0], null, viewer, null, null);
                assertEquals(400, refused.statusCode(), bad[0] + ": " + refused.body());
                JsonNode error = JSON.readTree(refused.body()).path("error");
                assertEquals("invalid_request", error.path("code").asText(), refused.body());
                assertEquals(bad[1], error.path("param").asText(), refused.body());
            }
            // an invoker may not read the log
            assertEquals(403, send("GET", "/api/requests", null, invoker, null, null).statusCode());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void textWhenOnMaskedAdminOnlyAndPruned(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind); EmbeddedServer server = start(db, true)) {
            String viewer = key("ops-viewer", "viewer");
            HttpResponse<String> r = send("POST", "/v1/pipelines/logged/invoke",
                    "{\"input\":{\"text\":\"mail ada@example.com, key " + SECRET + ", nul \\u0000 end\"}}", ADMIN,
                    "application/json", "req-text-1");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = await("/api/requests", ADMIN, a -> a.path("requests").path(0).path("hasText").asBoolean());
            assertTrue(page.path("textLogging").asBoolean() && page.path("textVisible").asBoolean(), page.toString());
            JsonNode entry = page.path("requests").get(0);
            String prompt = entry.path("prompt").asText();
            assertTrue(prompt.contains("mail <EMAIL_1>") && prompt.contains("[secret]"), prompt);
            assertFalse(prompt.contains("ada@example.com") || prompt.contains(SECRET), prompt);
            assertFalse(entry.path("answer").isNull(), entry.toString());
            assertFalse(entry.path("answer").asText().contains("ada@example.com"), entry.toString());
            assertEquals("BRAID_ADMIN_KEY", entry.path("key").path("name").asText(), entry.toString());

            // a viewer learns that text exists, not the text
            JsonNode seen = get("/api/requests", viewer);
            assertFalse(seen.path("textVisible").asBoolean());
            assertTrue(seen.path("requests").get(0).path("hasText").asBoolean());
            assertTrue(seen.path("requests").get(0).path("prompt").isNull(), seen.toString());

            // bounded retention (3 s here): the text goes, the metadata stays
            await("/api/requests", ADMIN, a -> !a.path("requests").path(0).path("hasText").asBoolean());
            assertEquals("req-text-1", get("/api/requests", ADMIN).path("requests").get(0).path("requestId").asText());
        }
    }

    private JsonNode await(String path, String key, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(path, key);
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out; last answer: " + last);
    }

    private String key(String name, String role) throws Exception {
        HttpResponse<String> r = send("POST", "/api/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}", ADMIN,
                "application/json", null);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("key").asText();
    }

    private JsonNode get(String path, String key) throws Exception {
        HttpResponse<String> r = send("GET", path, null, key, null, null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String method, String path, String body, String key, String type, String requestId)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key);
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
