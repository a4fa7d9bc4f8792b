package dev.braid.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.server.access.KeyServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 6, on PostgreSQL: the database loses a pipeline under a running instance (its rows
 * are gone, as after the database was lost and recreated). The instance's reconcile must unload it:
 * invoke answers 404 within the reconcile interval. Before, it kept answering 200 for as long as
 * the instance ran (reconcile re-applied active versions but never unloaded).
 */
class ReconcileUnloadTest {

    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: forgotten
            steps:
              - id: reply
                model:
                  task: chat
                  targets: [{ provider: mock, model: chat }]
                  prompt: { user: "hello" }
            """;

    @Test
    void aPipelineTheDatabaseNoLongerHoldsAnswers404WithinTheReconcileInterval() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            Map<String, Object> p = new HashMap<>(db.properties());
            p.put("braid.registry.reconcile-interval", "500ms");
            try (KeyServer server = KeyServer.start(p)) {
                assertEquals(201, server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN,
                        "application/yaml", YAML).statusCode());
                String invoker = server.secret("invoker");
                String body = "{\"input\":{}}";
                assertEquals(200, server.post("/v1/pipelines/forgotten/invoke", invoker, body).statusCode());

                try (Connection c = DriverManager.getConnection((String) p.get("datasources.default.url"),
                        (String) p.get("datasources.default.username"), (String) p.get("datasources.default.password"));
                        Statement s = c.createStatement()) {
                    s.execute("TRUNCATE pipeline_versions, pipelines CASCADE");
                }
                long t0 = System.nanoTime();
                HttpResponse<String> r;
                do {
                    Thread.sleep(100);
                    r = server.post("/v1/pipelines/forgotten/invoke", invoker, body);
                } while (r.statusCode() == 200 && System.nanoTime() - t0 < 10_000_000_000L);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("[reconcile] invoke answered " + r.statusCode() + " after " + ms + " ms");
                assertEquals(404, r.statusCode(), "the registry no longer has it: " + r.body());
                assertTrue(ms < 3_000, "within the reconcile interval (500 ms) and a margin: " + ms + " ms");
                assertEquals(404, server.get("/api/pipelines/forgotten", KeyServer.ADMIN).statusCode());
            }
        }
    }
}
