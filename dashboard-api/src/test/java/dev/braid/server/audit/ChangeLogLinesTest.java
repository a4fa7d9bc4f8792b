package dev.braid.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Deploy, activate, rollback and key changes each write one INFO line on
 * {@code dev.braid.server.changes} naming who (the key's name), what, the pipeline and version or
 * the key, and the outcome, refusals included; no line carries a secret or the pipeline's YAML.
 */
class ChangeLogLinesTest {

    static final String ADMIN = "bk_live_ChangeLogAdminKey00000000000000000000000";
    static final ObjectMapper JSON = new ObjectMapper();

    static String yaml(String system) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: logged
                steps:
                  - id: reply
                    model:
                      task: chat
                      targets: [{ provider: mock, model: m }]
                      prompt: { system: "%s", user: "{{input.text}}" }
                """.formatted(system);
    }

    @Test
    void eachChangeIsOneLineWithWhoWhatAndOutcome() throws Exception {
        Logger changes = (Logger) LoggerFactory.getLogger("dev.braid.server.changes");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        changes.addAppender(captured);
        String secret;
        try (TestDatabase db = TestDatabase.h2()) {
            Map<String, Object> p = new HashMap<>(db.properties());
            p.put("micronaut.server.port", -1);
            p.put("braid.pipelines.shipped", false);
            p.put("braid.pipelines.dir", java.nio.file.Files.createTempDirectory("braid-changes-").toString());
            p.put("braid.auth.enabled", true);
            p.put("braid.admin-key", ADMIN);
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p, "test")) {
                URI base = URI.create(server.getURL().toString());
                HttpClient http = HttpClient.newHttpClient();
                String created = send(http, base, "POST", "/api/keys",
                        "{\"name\":\"ci-deployer\",\"role\":\"deployer\"}", ADMIN, 201);
                secret = JSON.readTree(created).path("key").asText();
                String id = JSON.readTree(created).path("id").asText();
                send(http, base, "POST", "/api/pipelines", yaml("first TOPSECRETPROMPT"), secret, 201);
                send(http, base, "POST", "/api/pipelines?activate=false", yaml("second"), secret, 201);
                send(http, base, "POST", "/api/pipelines", "kind: Nope", secret, 422);
                send(http, base, "POST", "/api/pipelines/logged/versions/2/activate", "", secret, 200);
                send(http, base, "POST", "/api/pipelines/logged/rollback", "", secret, 200);
                send(http, base, "POST", "/api/pipelines/logged/rollback", "", secret, 409);
                send(http, base, "DELETE", "/api/keys/" + id, null, ADMIN, 204);
                send(http, base, "DELETE", "/api/keys/key_missing", null, ADMIN, 404);
            }
        } finally {
            changes.detachAppender(captured);
        }
        List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(captured.list.stream().allMatch(e -> e.getLevel() == Level.INFO), lines.toString());
        assertEquals(List.of(
                "key_create by=BRAID_ADMIN_KEY key=ci-deployer id=",
                "deploy by=ci-deployer pipeline=logged version=1 outcome=ok (active)",
                "deploy by=ci-deployer pipeline=logged version=2 outcome=ok (not active; v1 stays)",
                "deploy by=ci-deployer pipeline=? outcome=refused 422 invalid_pipeline",
                "activate by=ci-deployer pipeline=logged version=2 outcome=ok (was v1)",
                "rollback by=ci-deployer pipeline=logged version=1 outcome=ok (was v2, now rejected)",
                "rollback by=ci-deployer pipeline=logged version=previous outcome=refused 409 nothing_to_roll_back",
                "key_revoke by=BRAID_ADMIN_KEY key=ci-deployer id=",
                "key_revoke by=BRAID_ADMIN_KEY key=? id=key_missing outcome=refused 404 key_not_found"),
                lines.stream().map(l -> l.startsWith("key_") && !l.contains("key_missing")
                        ? l.substring(0, l.indexOf(" id=") + 4) : l).toList());
        assertTrue(lines.get(0).endsWith(" role=deployer outcome=ok"), lines.get(0));
        assertTrue(lines.get(7).endsWith(" outcome=ok"), lines.get(7));
        for (String line : lines) {
            assertFalse(line.contains(secret) || line.contains(ADMIN) || line.contains("TOPSECRETPROMPT"), line);
        }
    }

    private static String send(HttpClient http, URI base, String method, String path, String body, String key,
            int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", path.startsWith("/api/keys") ? "application/json" : "application/yaml")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
        return r.body();
    }
}
