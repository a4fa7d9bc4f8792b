package dev.braid.server.providers;

import dev.braid.server.access.CountingUpstream;
import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Provider credentials over the admin API: encrypted at rest, never returned, applied at once. */
class ProvidersTest {

    private static final String SECRET = "sk-test-provider-secret-0123456789";

    @Test
    void credentialsAreEncryptedAtRestNeverReturnedAndUsedAtOnce() throws Exception {
        try (CountingUpstream upstream = new CountingUpstream(5, 5, 0);
                KeyServer server = KeyServer.start(Map.of("braid.secret-key", "correct horse battery staple"))) {
            String put = "{\"type\":\"openai\",\"baseUrl\":\"" + upstream.baseUrl() + "\",\"apiKey\":\"" + SECRET + "\"}";
            HttpResponse<String> r = server.send("PUT", "/api/providers/acme", KeyServer.ADMIN, "application/json", put);
            assertEquals(200, r.statusCode(), r.body());
            assertFalse(r.body().contains(SECRET), r.body());
            assertTrue(KeyServer.json(r).path("hasApiKey").asBoolean(), r.body());

            HttpResponse<String> list = server.get("/api/providers", KeyServer.ADMIN);
            assertEquals(200, list.statusCode());
            assertFalse(list.body().contains(SECRET), list.body());
            JsonNode acme = null;
            for (JsonNode p : KeyServer.json(list).path("data")) {
                if ("acme".equals(p.path("name").asText())) {
                    acme = p;
                }
            }
            assertTrue(acme != null && acme.path("hasApiKey").asBoolean(), list.body());
            assertEquals(upstream.baseUrl(), acme.path("baseUrl").asText());
            assertEquals("openai", acme.path("type").asText());

            // at rest: not the plaintext, nor does it contain it
            try (Connection c = DelegatingDataSource.unwrapDataSource(server.bean(DataSource.class)).getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT api_key FROM provider_credentials WHERE name = 'acme'")) {
                assertTrue(rs.next());
                String stored = rs.getString(1);
                assertFalse(stored.contains(SECRET) || stored.contains("sk-test"), stored);
                assertTrue(stored.length() > SECRET.length(), "IV and tag are stored with the ciphertext");
            }
            try (Connection c = DelegatingDataSource.unwrapDataSource(server.bean(DataSource.class)).getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM access_audit WHERE event_type = 'provider_set'")) {
                assertTrue(rs.next());
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    assertFalse(String.valueOf(rs.getString(i)).contains(SECRET), "audit holds no secret");
                }
            }

            // applied to the running router at once: the upstream gets the key
            HttpResponse<String> chat = server.post("/v1/chat/completions", KeyServer.ADMIN,
                    "{\"model\":\"acme/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(200, chat.statusCode(), chat.body());
            assertEquals("Bearer " + SECRET, upstream.authorizations.get(0));

            // a viewer may not see or change providers
            String viewer = server.secret("viewer");
            assertEquals(403, server.get("/api/providers", viewer).statusCode());
            assertEquals(403, server.send("PUT", "/api/providers/acme", viewer, "application/json", put).statusCode());
        }
    }

    @Test
    void withoutASecretKeyCredentialsAreRefused() throws Exception {
        try (KeyServer server = KeyServer.start(Map.of())) {
            HttpResponse<String> r = server.send("PUT", "/api/providers/acme", KeyServer.ADMIN, "application/json",
                    "{\"type\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\",\"apiKey\":\"sk-x\"}");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("secret_key_missing", KeyServer.json(r).path("error").path("code").asText());
            assertFalse(server.get("/api/providers", KeyServer.ADMIN).body().contains("acme"));
        }
    }
}
