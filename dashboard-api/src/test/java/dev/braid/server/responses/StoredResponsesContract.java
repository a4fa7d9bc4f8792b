package dev.braid.server.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.access.KeyServer;
import dev.braid.server.pipelines.TestDatabase;
import dev.braid.server.usage.UsageRecorder;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Stored responses on a real database with keys on, over real HTTP: a key sees, chains on and
 * deletes only its own; an expired response is gone and purged; a NUL in a prompt survives the
 * round trip; usage rows name the door ({@code source: responses}) and the key. H2 and PostgreSQL
 * (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoredResponsesContract {

    abstract TestDatabase.Kind kind();

    TestDatabase db;
    KeyServer server;
    String alice;
    String bob;
    String aliceId;

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create(kind());
        Map<String, Object> p = new HashMap<>(db.properties());
        server = KeyServer.start(p);
        JsonNode a = server.createKey("{\"name\":\"alice\",\"role\":\"invoker\"}");
        alice = a.path("key").asText();
        aliceId = a.path("id").asText();
        bob = server.secret("invoker");
    }

    @AfterAll
    void stop() {
        server.close();
        db.close();
    }

    JsonNode create(String key, String body) throws Exception {
        HttpResponse<String> r = server.post("/v1/responses", key, body);
        assertEquals(200, r.statusCode(), r.body());
        return KeyServer.json(r);
    }

    @Test
    void aKeySeesChainsOnAndDeletesOnlyItsOwnResponses() throws Exception {
        String id = create(alice, "{\"model\":\"mock/any\",\"input\":\"alice's secret plan\"}").path("id").asText();
        assertEquals(200, server.get("/v1/responses/" + id, alice).statusCode());
        HttpResponse<String> other = server.get("/v1/responses/" + id, bob);
        assertEquals(404, other.statusCode(), other.body());
        assertEquals("response_not_found", KeyServer.json(other).at("/error/code").asText());
        assertFalse(other.body().contains("secret plan"));
        assertEquals(404, server.send("DELETE", "/v1/responses/" + id, bob, null, null).statusCode());
        HttpResponse<String> chained = server.post("/v1/responses", bob,
                "{\"model\":\"mock/any\",\"input\":\"and then?\",\"previous_response_id\":\"" + id + "\"}");
        assertEquals(404, chained.statusCode(), chained.body());
        assertEquals("previous_response_id", KeyServer.json(chained).at("/error/param").asText());
        assertEquals(200, server.post("/v1/responses", alice,
                "{\"model\":\"mock/any\",\"input\":\"and then?\",\"previous_response_id\":\"" + id + "\"}").statusCode());
        HttpResponse<String> deleted = server.send("DELETE", "/v1/responses/" + id, alice, null, null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertTrue(KeyServer.json(deleted).path("deleted").asBoolean());
        assertEquals(404, server.get("/v1/responses/" + id, alice).statusCode());
        assertEquals(401, server.get("/v1/responses/" + id, null).statusCode());
    }

    @Test
    void anExpiredResponseIsGoneAndPurged() throws Exception {
        String id = create(alice, "{\"model\":\"mock/any\",\"input\":\"short-lived\"}").path("id").asText();
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE stored_responses SET expires_at = created_at - INTERVAL '1' SECOND WHERE id = ?")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(404, server.get("/v1/responses/" + id, alice).statusCode());
        assertEquals(404, server.post("/v1/responses", alice,
                "{\"model\":\"mock/any\",\"input\":\"x\",\"previous_response_id\":\"" + id + "\"}").statusCode());
        assertTrue(server.bean(ResponseStore.class).purgeExpired() >= 1);
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM stored_responses WHERE id = '" + id + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }

    @Test
    void aNulInThePromptSurvivesTheStoreAndTheChain() throws Exception {
        JsonNode created = create(alice, "{\"model\":\"mock/any\",\"input\":\"before\\u0000after\"}");
        String id = created.path("id").asText();
        assertEquals("before\u0000after", created.at("/output/0/content/0/text").asText());
        HttpResponse<String> fetched = server.get("/v1/responses/" + id, alice);
        assertEquals(200, fetched.statusCode(), fetched.body());
        assertEquals("before\u0000after", KeyServer.json(fetched).at("/output/0/content/0/text").asText());
        assertEquals(200, server.post("/v1/responses", alice,
                "{\"model\":\"mock/any\",\"input\":\"next\",\"previous_response_id\":\"" + id + "\"}").statusCode());
    }

    @Test
    void usageRowsNameTheResponsesDoorAndTheKey() throws Exception {
        HttpResponse<String> r = server.post("/v1/responses", alice, "{\"model\":\"mock/any\",\"input\":\"count me\"}");
        assertEquals(200, r.statusCode(), r.body());
        String requestId = r.headers().firstValue("x-braid-request-id").orElseThrow();
        HttpResponse<String> streamed = server.post("/v1/responses", alice,
                "{\"model\":\"mock/any\",\"input\":\"count me too\",\"stream\":true}");
        assertEquals(200, streamed.statusCode(), streamed.body());
        String streamId = streamed.headers().firstValue("x-braid-request-id").orElseThrow();
        assertTrue(server.bean(UsageRecorder.class).awaitWritten(Duration.ofSeconds(10)));
        for (String rid : new String[] {requestId, streamId}) {
            try (Connection c = db.connect();
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT source, key_id, status, total_tokens FROM usage_records WHERE request_id = ? AND kind = 'request'")) {
                ps.setString(1, rid);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "a usage row for " + rid);
                    assertEquals("responses", rs.getString("source"));
                    assertEquals(aliceId, rs.getString("key_id"));
                    assertEquals("ok", rs.getString("status"));
                    assertTrue(rs.getLong("total_tokens") > 0);
                }
            }
        }
    }
}
