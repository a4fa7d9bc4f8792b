package dev.braid.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/audit} over real HTTP against a real database, keys on. Known events are written
 * into both audit tables at fixed times far from now (ties across and within the tables included),
 * so order, filters and pages are checked exactly; live changes made through the API show up with
 * their actors and without any secret. Runs on H2 and on PostgreSQL (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditApiContract {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "bk_live_AuditAdminKey000000000000000000000000000";
    static final String PROVIDER_SECRET = "sk-audit-provider-secret-9876543210";
    static final Instant T = Instant.parse("2026-01-05T10:00:00Z");
    /** The seeded day, as a window. */
    static final String DAY = "since=2026-01-05&until=2026-01-05";

    abstract TestDatabase.Kind kind();

    TestDatabase db;
    EmbeddedServer server;
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String deployer;

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create(kind());
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.secret-key", "correct horse battery staple");
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        deployer = createKey("{\"name\":\"ci-bot\",\"role\":\"deployer\"}").path("key").asText();
        // the seeded registry events need their pipeline to exist (foreign key)
        assertEquals(201, send("POST", "/api/pipelines", ADMIN, "application/yaml", pipeline("seeded")).statusCode());
        seed();
    }

    @AfterAll
    void stop() {
        server.close();
        db.close();
    }

    /**
     * Seeded day, newest first as the trail must answer: r3 (T+3s); at T+2s r2 (registry before
     * access), a3, a2 (higher id first); r1 (T+1s); a1 (T). One more access event the day before.
     */
    void seed() throws Exception {
        try (Connection c = DelegatingDataSource.unwrapDataSource(server.getApplicationContext().getBean(DataSource.class))
                .getConnection()) {
            access(c, "key_created", "key_s1", "key_root", "root", T);
            access(c, "key_revoked", "key_s1", "key_root", "root", T.plusSeconds(2));
            access(c, "provider_set", "acme-seeded", "key_ops", "ops", T.plusSeconds(2));
            access(c, "key_created", "key_old", "key_root", "root", T.minusSeconds(86_400));
            registry(c, "deploy", 1, null, "key_ci", "ci-bot", T.plusSeconds(1));
            registry(c, "activate", 2, 1, "key_ci", "ci-bot", T.plusSeconds(2));
            registry(c, "rollback", 1, 2, "key_ops", "ops", T.plusSeconds(3));
        }
    }

    static final List<String> SEEDED_DAY = List.of(
            "rollback seeded", "activate seeded", "provider_set acme-seeded", "key_revoked key_s1",
            "deploy seeded", "key_created key_s1");

    static void access(Connection c, String type, String subject, String actorId, String actorName, Instant at)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO access_audit"
                + " (event_type, subject, actor_id, actor_name, occurred_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, type);
            ps.setString(2, subject);
            ps.setString(3, actorId);
            ps.setString(4, actorName);
            ps.setObject(5, at.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    static void registry(Connection c, String type, int version, Integer from, String actorId, String actorName,
            Instant at) throws Exception {
        // activated=false: these rows never steer a rollback of the real pipeline
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_events (event_type, pipeline, version,"
                + " from_version, activated, reverts, actor_id, actor_name, occurred_at)"
                + " VALUES (?, 'seeded', ?, ?, FALSE, NULL, ?, ?, ?)")) {
            ps.setString(1, type);
            ps.setInt(2, version);
            ps.setObject(3, from);
            ps.setString(4, actorId);
            ps.setString(5, actorName);
            ps.setObject(6, at.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    static String pipeline(String name) {
        return "apiVersion: braid/v1\nkind: Pipeline\nname: " + name + "\nsteps:\n  - id: t\n    transform:\n"
                + "      jsonata: '{\"ok\": true}'\n";
    }

    HttpResponse<String> send(String method, String path, String key, String type, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            r.header("Content-Type", type);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode createKey(String body) throws Exception {
        HttpResponse<String> r = send("POST", "/api/keys", ADMIN, "application/json", body);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    HttpResponse<String> audit(String query, String key) throws Exception {
        return send("GET", "/api/audit" + (query.isEmpty() ? "" : "?" + query), key, null, null);
    }

    JsonNode audit(String query) throws Exception {
        HttpResponse<String> r = audit(query, ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        return JSON.readTree(r.body());
    }

    static List<String> names(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("events").forEach(e -> out.add(e.path("type").asText() + " " + e.path("subject").asText()));
        return out;
    }

    static JsonNode event(JsonNode answer, String type, String subject) {
        for (JsonNode e : answer.path("events")) {
            if (type.equals(e.path("type").asText()) && subject.equals(e.path("subject").asText())) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " " + subject + " in " + answer);
    }

    @Test
    void bothTablesMergeNewestFirstWithTheirOwnFields() throws Exception {
        JsonNode answer = audit(DAY);
        assertEquals(SEEDED_DAY, names(answer), answer.toString());
        assertTrue(answer.has("next") && answer.get("next").isNull(), "one page holds it all: " + answer);

        JsonNode activate = event(answer, "activate", "seeded");
        assertEquals("seeded", activate.path("pipeline").asText());
        assertEquals(2, activate.path("version").asInt());
        assertEquals(1, activate.path("fromVersion").asInt());
        assertEquals("key_ci", activate.path("actor").path("id").asText());
        assertEquals("ci-bot", activate.path("actor").path("name").asText());
        assertEquals("2026-01-05T10:00:02Z", activate.path("at").asText());
        JsonNode deploy = event(answer, "deploy", "seeded");
        assertTrue(deploy.has("fromVersion") && deploy.get("fromVersion").isNull(), deploy.toString());

        JsonNode provider = event(answer, "provider_set", "acme-seeded");
        assertEquals("acme-seeded", provider.path("provider").asText());
        assertFalse(provider.has("pipeline") || provider.has("version"), provider.toString());
        JsonNode revoked = event(answer, "key_revoked", "key_s1");
        assertTrue(revoked.has("keyName") && revoked.get("keyName").isNull(), "an unknown key has no name: " + revoked);
        assertEquals("root", revoked.path("actor").path("name").asText());
    }

    @Test
    void pagesWalkTheTrailWithoutGapsOrRepeats() throws Exception {
        for (int limit : new int[] {1, 2, 4, 6}) {
            List<String> walked = new ArrayList<>();
            String before = null;
            int pages = 0;
            do {
                JsonNode page = audit(DAY + "&limit=" + limit
                        + (before == null ? "" : "&before=" + URLEncoder.encode(before, StandardCharsets.UTF_8)));
                assertTrue(page.path("events").size() <= limit, page.toString());
                walked.addAll(names(page));
                before = page.get("next").isNull() ? null : page.get("next").asText();
                assertTrue(++pages <= SEEDED_DAY.size() + 1, "the walk ends");
            } while (before != null);
            assertEquals(SEEDED_DAY, walked, "limit " + limit);
            assertEquals((SEEDED_DAY.size() + limit - 1) / limit, pages, "no empty last page, limit " + limit);
        }
    }

    @Test
    void filtersByTypeActorAndTime() throws Exception {
        assertEquals(List.of("rollback seeded", "deploy seeded"), names(audit(DAY + "&type=rollback,deploy")));
        assertEquals(List.of("provider_set acme-seeded", "key_created key_s1"),
                names(audit(DAY + "&type=key_created&type=provider_set")));
        assertEquals(List.of("rollback seeded", "provider_set acme-seeded"), names(audit(DAY + "&actor=ops")));
        assertEquals(List.of("activate seeded", "deploy seeded"), names(audit(DAY + "&actor=key_ci")));
        assertEquals(List.of("activate seeded", "provider_set acme-seeded", "key_revoked key_s1"),
                names(audit("since=2026-01-05T10:00:02Z&until=2026-01-05T10:00:03Z")), "since inclusive, until not");
        assertEquals(List.of("key_created key_old"), names(audit("since=2026-01-04&until=2026-01-05T00:00:00Z")));
        assertEquals(List.of("key_created key_s1", "key_created key_old"),
                names(audit("type=key_created&until=2026-01-06T00:00:00Z")), "no since: from the beginning");
        // a filter and a page together
        JsonNode first = audit(DAY + "&actor=ops&limit=1");
        assertEquals(List.of("rollback seeded"), names(first));
        assertEquals(List.of("provider_set acme-seeded"),
                names(audit(DAY + "&actor=ops&limit=1&before=" + first.get("next").asText())));
    }

    @Test
    void liveChangesAppearWithTheirActorsAndNeverASecret() throws Exception {
        JsonNode created = createKey("{\"name\":\"shop-app\",\"role\":\"invoker\"}");
        String id = created.path("id").asText();
        String secret = created.path("key").asText();
        HttpResponse<String> put = send("PUT", "/api/providers/acme-live", ADMIN, "application/json",
                "{\"type\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\",\"apiKey\":\"" + PROVIDER_SECRET + "\"}");
        assertEquals(200, put.statusCode(), put.body());
        assertEquals(201, send("POST", "/api/pipelines", deployer, "application/yaml", pipeline("live")).statusCode());
        assertEquals(204, send("DELETE", "/api/keys/" + id, ADMIN, null, null).statusCode());

        HttpResponse<String> r = audit("", ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        String body = r.body();
        for (String leak : List.of(secret, secret.substring("bk_live_".length()), secret.substring(8, 20), sha256(secret),
                PROVIDER_SECRET, PROVIDER_SECRET.substring(3), ADMIN, ADMIN.substring(8))) {
            assertFalse(body.contains(leak), "the audit answer holds a secret or its hash: " + leak);
        }
        JsonNode answer = JSON.readTree(body);
        JsonNode keyCreated = event(answer, "key_created", id);
        assertEquals("shop-app", keyCreated.path("keyName").asText());
        assertEquals("invoker", keyCreated.path("keyRole").asText());
        assertEquals("BRAID_ADMIN_KEY", keyCreated.path("actor").path("name").asText());
        assertTrue(keyCreated.path("actor").path("id").asText().startsWith("key_env_"), keyCreated.toString());
        assertEquals("shop-app", event(answer, "key_revoked", id).path("keyName").asText());
        assertEquals("acme-live", event(answer, "provider_set", "acme-live").path("provider").asText());
        JsonNode deployed = event(answer, "deploy", "live");
        assertEquals("ci-bot", deployed.path("actor").path("name").asText());
        assertEquals(1, deployed.path("version").asInt());

        // newest first over the whole default answer; the revoke was the last change
        List<Instant> times = new ArrayList<>();
        answer.path("events").forEach(e -> times.add(Instant.parse(e.path("at").asText())));
        for (int i = 1; i < times.size(); i++) {
            assertFalse(times.get(i).isAfter(times.get(i - 1)), "newest first: " + answer);
        }
        assertEquals("key_revoked " + id, names(answer).get(0));
    }

    @Test
    void badParametersAre400NamingTheParameter() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("type=deploy,nope", "type");
        cases.put("type=", null);
        cases.put("since=yesterday", "since");
        cases.put("until=2026-13-01", "until");
        cases.put("since=2026-01-06&until=2026-01-05T00:00:00Z", "until");
        cases.put("limit=0", "limit");
        cases.put("limit=1001", "limit");
        cases.put("limit=ten", "limit");
        cases.put("limit=99999999999999999999", "limit");
        cases.put("before=not-a-cursor", "before");
        cases.put("before=" + Base64.getUrlEncoder().encodeToString("2026-01-05T10:00:00Z|x|1".getBytes(StandardCharsets.UTF_8)),
                "before");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = audit(c.getKey(), ADMIN);
            if (c.getValue() == null) {
                assertEquals(200, r.statusCode(), c.getKey() + ": an empty value is no filter: " + r.body());
                continue;
            }
            assertEquals(400, r.statusCode(), c.getKey() + ": " + r.body());
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertEquals("invalid_request", error.path("code").asText(), r.body());
            assertEquals("invalid_request_error", error.path("type").asText(), r.body());
            assertEquals(c.getValue(), error.path("param").asText(), c.getKey() + ": " + r.body());
            assertTrue(error.path("message").asText().contains(c.getValue()), r.body());
        }
        assertEquals(200, audit("limit=1000", ADMIN).statusCode(), "1000 is the largest page");
    }

    @Test
    void onlyAnAdminMayReadTheTrail() throws Exception {
        assertEquals(401, audit("", null).statusCode());
        for (String role : List.of("viewer", "deployer", "invoker")) {
            String key = role.equals("deployer") ? deployer
                    : createKey("{\"name\":\"" + role + "-audit\",\"role\":\"" + role + "\"}").path("key").asText();
            HttpResponse<String> r = audit("", key);
            assertEquals(403, r.statusCode(), role + ": " + r.body());
            assertEquals("forbidden", JSON.readTree(r.body()).path("error").path("code").asText());
            assertTrue(JSON.readTree(r.body()).path("error").path("message").asText().contains("audit trail"), r.body());
        }
        assertNotNull(audit("").get("events"));
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
