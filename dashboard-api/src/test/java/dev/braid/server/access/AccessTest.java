package dev.braid.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keys, roles, scopes and limits over real HTTP against one server (H2 in memory). */
class AccessTest {

    static KeyServer server;
    static Map<String, String> keys;

    @BeforeAll
    static void start() throws Exception {
        server = KeyServer.start(Map.of());
        keys = Map.of(
                "admin", KeyServer.ADMIN,
                "deployer", server.secret("deployer"),
                "invoker", server.secret("invoker"),
                "viewer", server.secret("viewer"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = KeyServer.json(r).path("error");
        assertEquals(code, error.path("code").asText(), r.body());
        assertEquals("invalid_request_error", error.path("type").asText(), r.body());
        return error;
    }

    @Test
    void noKeyIs401WithBearerChallengeAndABadOneToo() throws Exception {
        HttpResponse<String> none = server.get("/api/pipelines", null);
        assertError(none, 401, "missing_api_key");
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertError(server.invoke("chat-echo", null), 401, "missing_api_key");
        assertError(server.get("/v1/models", "bk_live_nope"), 401, "invalid_api_key");
        assertError(server.send("GET", "/api/keys", null, null, null), 401, "missing_api_key");
        // public: health and the dashboard shell's path are never 401
        assertEquals(200, server.get("/health", null).statusCode());
        assertNotEquals(401, server.get("/", null).statusCode());
    }

    /** Every route × role: 2xx (or 404 for a route that needs a resource) when allowed, 403 when not. */
    @Test
    void routeByRoleTable() throws Exception {
        record Route(String method, String path, String type, String body, List<String> allowed) {}
        String chat = "{\"model\":\"mock/chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String yaml = "apiVersion: braid/v1\nkind: Pipeline\nname: table-p\nsteps:\n  - id: t\n    transform:\n"
                + "      jsonata: '{\"ok\": true}'\n";
        List<Route> routes = List.of(
                new Route("POST", "/v1/pipelines/chat-echo/invoke", "application/json",
                        "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}", List.of("admin", "invoker")),
                new Route("POST", "/v1/chat/completions", "application/json", chat, List.of("admin", "invoker")),
                new Route("POST", "/v1/embeddings", "application/json",
                        "{\"model\":\"mock/embed\",\"input\":\"hi\"}", List.of("admin", "invoker")),
                new Route("GET", "/v1/models", null, null, List.of("admin", "invoker")),
                new Route("GET", "/api/pipelines", null, null, List.of("admin", "deployer", "viewer")),
                new Route("GET", "/api/pipelines/chat-echo", null, null, List.of("admin", "deployer", "viewer")),
                new Route("GET", "/api/pipelines/chat-echo/versions", null, null, List.of("admin", "deployer", "viewer")),
                new Route("GET", "/api/pipelines/chat-echo/versions/1/camel", null, null,
                        List.of("admin", "deployer", "viewer")),
                new Route("GET", "/api/pipelines/chat-echo/history", null, null, List.of("admin", "deployer", "viewer")),
                new Route("POST", "/api/pipelines/validate", "application/yaml", yaml, List.of("admin", "deployer")),
                new Route("POST", "/api/pipelines", "application/yaml", yaml, List.of("admin", "deployer")),
                new Route("POST", "/api/pipelines/chat-echo/versions/1/activate", "application/json", null,
                        List.of("admin", "deployer")),
                new Route("GET", "/api/keys", null, null, List.of("admin")),
                new Route("POST", "/api/keys", "application/json", "{\"name\":\"t\",\"role\":\"viewer\"}", List.of("admin")),
                new Route("DELETE", "/api/keys/key_none", null, null, List.of("admin")),
                new Route("GET", "/api/providers", null, null, List.of("admin")),
                // who changed what, key names and ids included: admin only, like /api/keys
                new Route("GET", "/api/audit", null, null, List.of("admin")),
                new Route("GET", "/api/audit?type=key_created&limit=5", null, null, List.of("admin")));
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            HttpResponse<String> anonymous = server.send(route.method(), route.path(), null, route.type(), route.body());
            if (anonymous.statusCode() != 401) {
                failures.add(route.method() + " " + route.path() + " without key: " + anonymous.statusCode());
            }
            for (var role : keys.entrySet()) {
                HttpResponse<String> r = server.send(route.method(), route.path(), role.getValue(), route.type(), route.body());
                boolean allowed = route.allowed().contains(role.getKey());
                int s = r.statusCode();
                boolean ok = allowed ? (s >= 200 && s < 300) || s == 404 : s == 403;
                if (!ok) {
                    failures.add(route.method() + " " + route.path() + " as " + role.getKey() + ": " + s + " " + r.body());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void keyLifecycleShowsTheSecretOnceStoresOnlyItsHashAndRevokesAtOnce() throws Exception {
        JsonNode created = server.createKey("{\"name\":\"shop-app\",\"role\":\"invoker\",\"pipelines\":[\"chat-echo\"],"
                + "\"models\":[\"mock/*\"],\"requestsPerMinute\":600,\"tokensPerDay\":2000000,\"usdPerMonth\":50}");
        String id = created.path("id").asText();
        String secret = created.path("key").asText();
        assertTrue(id.startsWith("key_"), created.toString());
        assertTrue(secret.matches("bk_live_[0-9A-Za-z]{43}"), secret);
        assertEquals("invoker", created.path("role").asText());
        assertEquals("chat-echo", created.path("pipelines").path(0).asText());
        assertEquals(600, created.path("requestsPerMinute").asInt());
        assertEquals(2000000, created.path("tokensPerDay").asLong());
        assertEquals(50, created.path("usdPerMonth").asInt());

        HttpResponse<String> list = server.get("/api/keys", KeyServer.ADMIN);
        assertEquals(200, list.statusCode());
        assertFalse(list.body().contains(secret), "the list never holds a secret");
        assertFalse(list.body().contains(KeyServer.ADMIN), "not even the admin's");
        JsonNode listed = null;
        for (JsonNode k : KeyServer.json(list).path("data")) {
            if (id.equals(k.path("id").asText())) {
                listed = k;
            }
        }
        assertTrue(listed != null && !listed.has("key"), list.body());
        assertEquals(secret.substring(0, 12) + "…", listed.path("prefix").asText());

        // at rest: the hash only, and an audit event naming the admin who created it
        try (Connection c = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(server.bean(DataSource.class)).getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT * FROM api_keys WHERE id = '" + id + "'")) {
                assertTrue(rs.next());
                assertEquals(KeySecrets.sha256(secret), rs.getString("secret_sha256").trim());
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String v = rs.getString(i);
                    assertFalse(v != null && v.contains(secret.substring(8)), "column " + i + " holds the secret");
                }
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT actor_id, actor_name FROM access_audit WHERE event_type = 'key_created' AND subject = '" + id + "'")) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1).startsWith("key_env_"), rs.getString(1));
                assertEquals("BRAID_ADMIN_KEY", rs.getString(2));
            }
        }

        assertEquals(200, server.invoke("chat-echo", secret).statusCode());
        assertEquals(204, server.send("DELETE", "/api/keys/" + id, KeyServer.ADMIN, null, null).statusCode());
        assertError(server.invoke("chat-echo", secret), 401, "invalid_api_key");
        assertError(server.send("DELETE", "/api/keys/key_unknown", KeyServer.ADMIN, null, null), 404, "key_not_found");
    }

    @Test
    void invokerScopesLimitPipelinesAndModels() throws Exception {
        String scoped = server.createKey("{\"name\":\"scoped\",\"role\":\"invoker\",\"pipelines\":[\"chat-echo\"],"
                + "\"models\":[\"mock/*\"]}").path("key").asText();
        assertEquals(200, server.invoke("chat-echo", scoped).statusCode());
        assertError(server.invoke("chat-breaks", scoped), 403, "forbidden");
        String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertEquals(200, server.post("/v1/chat/completions", scoped, chat.formatted("mock/chat")).statusCode());
        assertError(server.post("/v1/chat/completions", scoped, chat.formatted("openai/gpt-4o-mini")), 403, "forbidden");
        assertEquals(200, server.post("/v1/chat/completions", scoped, chat.formatted("pipeline/chat-echo")).statusCode());
        assertError(server.post("/v1/chat/completions", scoped, chat.formatted("pipeline/chat-breaks")), 403, "forbidden");
        assertError(server.post("/v1/embeddings", scoped, "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"x\"}"),
                403, "forbidden");
    }

    @Test
    void rateLimitAnswers429WithRetryAfter() throws Exception {
        String limited = server.createKey("{\"name\":\"slow\",\"role\":\"invoker\",\"requestsPerMinute\":2}")
                .path("key").asText();
        assertEquals(200, server.get("/v1/models", limited).statusCode());
        assertEquals(200, server.get("/v1/models", limited).statusCode());
        HttpResponse<String> third = server.get("/v1/models", limited);
        assertError(third, 429, "rate_limited");
        long retry = Long.parseLong(third.headers().firstValue("Retry-After").orElse("0"));
        assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        // another key is not affected
        assertEquals(200, server.get("/v1/models", keys.get("invoker")).statusCode());
    }

    @Test
    void tokenQuotaRefusesOnceUsedUp() throws Exception {
        String quota = server.createKey("{\"name\":\"quota\",\"role\":\"invoker\",\"tokensPerDay\":1}")
                .path("key").asText();
        HttpResponse<String> first = server.invoke("chat-echo", quota);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(KeyServer.json(first).path("usage").path("totalTokens").asLong() > 1, first.body());
        HttpResponse<String> second = server.invoke("chat-echo", quota);
        assertError(second, 429, "token_quota_exceeded");
        assertTrue(second.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void deployIsAuditedUnderTheCallingKey() throws Exception {
        String deployer = server.createKey("{\"name\":\"ci-bot\",\"role\":\"deployer\"}").path("key").asText();
        String yaml = "apiVersion: braid/v1\nkind: Pipeline\nname: audited\nsteps:\n  - id: t\n    transform:\n"
                + "      jsonata: '{\"ok\": true}'\n";
        assertEquals(201, server.send("POST", "/api/pipelines", deployer, "application/yaml", yaml).statusCode());
        JsonNode history = KeyServer.json(server.get("/api/pipelines/audited/history", deployer));
        assertTrue(history.toString().contains("ci-bot"), history.toString());
    }

    @Test
    void secretsAreComparedByHash() {
        String secret = KeySecrets.generate();
        assertTrue(KeySecrets.matches(secret, KeySecrets.sha256(secret)));
        assertFalse(KeySecrets.matches(secret + "x", KeySecrets.sha256(secret)));
        assertNotEquals(KeySecrets.generate(), KeySecrets.generate());
    }
}
