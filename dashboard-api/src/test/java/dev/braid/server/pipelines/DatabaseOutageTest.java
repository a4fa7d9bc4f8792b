package dev.braid.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.access.KeyServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 10, on PostgreSQL behind a TCP proxy the test cuts: while the database is
 * unreachable, admin calls answer a prompt 503 {@code store_unavailable} in OpenAI's error shape
 * with a {@code Retry-After} and no stack trace (before: 500 {@code internal_error}, a deploy hung
 * ~15 s); once the database is back they work again. Nothing is logged at ERROR or with a stack
 * trace meanwhile (one WARN every ten seconds says the store is unavailable).
 */
class DatabaseOutageTest {

    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: outage-%d
            steps:
              - id: reply
                model:
                  task: chat
                  targets: [{ provider: mock, model: chat }]
                  prompt: { user: "hello" }
            """;

    @Test
    void adminCallsAnswerAPrompt503WhileTheDatabaseIsUnreachable() throws Exception {
        try (TestDatabase db = TestDatabase.postgres(); AlarmingLogs logs = new AlarmingLogs()) {
            Map<String, Object> p = new HashMap<>(db.properties());
            URI pg = URI.create(((String) p.get("datasources.default.url")).substring("jdbc:".length()));
            try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort())) {
                p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath());
                try (KeyServer server = KeyServer.start(p)) {
                    assertEquals(201, deploy(server, 1).statusCode());

                    logs.mark();
                    proxy.cut();
                    for (String call : new String[] {"list", "deploy", "keys"}) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = switch (call) {
                            case "list" -> server.get("/api/pipelines", KeyServer.ADMIN);
                            case "deploy" -> deploy(server, 2);
                            default -> server.post("/api/keys", KeyServer.ADMIN, "{\"name\":\"during-outage\",\"role\":\"invoker\"}");
                        };
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        System.out.println("[db-outage] " + call + " answered " + r.statusCode() + " in " + ms + " ms: " + r.body());
                        assertEquals(503, r.statusCode(), call + ": " + r.body());
                        JsonNode error = KeyServer.json(r).path("error");
                        assertEquals("store_unavailable", error.path("code").asText(), r.body());
                        assertTrue(error.path("message").isTextual() && error.path("type").isTextual(), r.body());
                        assertTrue(r.headers().firstValue("Retry-After").isPresent(), call);
                        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
                        assertTrue(ms < 5_000, call + " answered promptly: " + ms + " ms");
                    }

                    proxy.restore();
                    long deadline = System.currentTimeMillis() + 15_000;
                    int status;
                    do {
                        Thread.sleep(200);
                        status = server.get("/api/pipelines", KeyServer.ADMIN).statusCode();
                    } while (status != 200 && System.currentTimeMillis() < deadline);
                    assertEquals(200, status, "the database is back");
                    assertEquals(201, deploy(server, 3).statusCode());
                    assertEquals(List.of(), logs.alarming(), "no ERROR and no stack trace in the log");
                }
            }
        }
    }

    private static HttpResponse<String> deploy(KeyServer server, int n) throws Exception {
        return server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN, "application/yaml", YAML.formatted(n));
    }
}
