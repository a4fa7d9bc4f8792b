package dev.braid.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.server.access.KeyServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's chaos test for database loss, on two instances sharing one PostgreSQL through a TCP
 * proxy the test controls. The database goes away under both; while it is gone it is restored from
 * a backup older than one deploy (that pipeline's rows are gone), then it comes back. Throughout:
 * no 500, no ERROR or stack trace in the log; calls to loaded pipelines keep being served; admin
 * calls answer 503 {@code store_unavailable}. Afterwards both instances converge on what the
 * database holds: the acknowledged deploys the database kept are served by both, the pipeline it no
 * longer holds answers 404 on both (item 6), and a new deploy on one is served by the other.
 */
class DatabaseLossChaosPostgresTest {

    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: %s
            steps:
              - id: reply
                model:
                  task: chat
                  targets: [{ provider: mock, model: chat }]
                  prompt: { user: "hello" }
            """;
    private static final String BODY = "{\"input\":{}}";

    /** Every status seen, by what was called: a 500 anywhere fails the test. */
    private final Map<String, Map<Integer, AtomicInteger>> statuses = new ConcurrentHashMap<>();

    private HttpResponse<String> seen(String what, HttpResponse<String> r) {
        statuses.computeIfAbsent(what, w -> new ConcurrentHashMap<>())
                .computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
        assertTrue(r.statusCode() != 500, what + " answered 500: " + r.body());
        return r;
    }

    private HttpResponse<String> deploy(KeyServer server, String name) throws Exception {
        return seen("deploy", server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN, "application/yaml",
                YAML.formatted(name)));
    }

    private HttpResponse<String> invoke(KeyServer server, String invoker, String name) throws Exception {
        return seen("invoke", server.post("/v1/pipelines/" + name + "/invoke", invoker, BODY));
    }

    /** Waits (bounded) until {@code name} answers {@code status} on the server; the last status. */
    private int await(KeyServer server, String invoker, String name, int status, long ms) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        int last;
        do {
            last = invoke(server, invoker, name).statusCode();
            if (last == status) {
                return last;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return last;
    }

    @Test
    void twoInstancesRideOutADatabaseLossAndConvergeOnWhatTheRestoredDatabaseHolds() throws Exception {
        try (TestDatabase db = TestDatabase.postgres(); AlarmingLogs logs = new AlarmingLogs()) {
            Map<String, Object> direct = new HashMap<>(db.properties());
            URI pg = URI.create(((String) direct.get("datasources.default.url")).substring("jdbc:".length()));
            try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort())) {
                Map<String, Object> p = new HashMap<>(direct);
                p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath());
                p.put("braid.registry.reconcile-interval", "500ms");
                try (KeyServer a = KeyServer.start(p); KeyServer b = KeyServer.start(p)) {
                    String invoker = a.secret("invoker");
                    List<String> kept = List.of("chaos-kept-1", "chaos-kept-2", "chaos-kept-3");
                    for (String name : kept) {
                        assertEquals(201, deploy(kept.indexOf(name) % 2 == 0 ? a : b, name).statusCode());
                    }
                    assertEquals(201, deploy(a, "chaos-lost").statusCode());
                    for (KeyServer s : List.of(a, b)) {
                        for (String name : List.of("chaos-kept-1", "chaos-kept-2", "chaos-kept-3", "chaos-lost")) {
                            assertEquals(200, await(s, invoker, name, 200, 10_000), name + " is served by both instances");
                        }
                    }

                    logs.mark();
                    proxy.cut();
                    // the database is gone: calls to loaded pipelines go on, admin calls say the store is unavailable
                    for (int i = 0; i < 10; i++) {
                        for (KeyServer s : List.of(a, b)) {
                            assertEquals(200, invoke(s, invoker, kept.get(i % kept.size())).statusCode());
                        }
                    }
                    HttpResponse<String> refused = deploy(b, "chaos-during-outage");
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertTrue(refused.body().contains("store_unavailable"), refused.body());
                    assertEquals(503, seen("list", a.get("/api/pipelines", KeyServer.ADMIN)).statusCode());

                    // restored from a backup taken before chaos-lost was deployed
                    try (Connection c = DriverManager.getConnection((String) direct.get("datasources.default.url"),
                            (String) direct.get("datasources.default.username"),
                            (String) direct.get("datasources.default.password"));
                            Statement s = c.createStatement()) {
                        s.execute("DELETE FROM version_rejections WHERE pipeline = 'chaos-lost'");
                        s.execute("DELETE FROM audit_events WHERE pipeline = 'chaos-lost'");
                        s.execute("DELETE FROM pipeline_versions WHERE pipeline = 'chaos-lost'");
                        s.execute("DELETE FROM pipelines WHERE name = 'chaos-lost'");
                    }
                    Thread.sleep(1_500); // a few reconcile rounds fail meanwhile: WARN, never ERROR
                    proxy.restore();

                    for (KeyServer s : List.of(a, b)) {
                        assertEquals(404, await(s, invoker, "chaos-lost", 404, 15_000),
                                "the restored database does not hold chaos-lost: unloaded");
                        for (String name : kept) {
                            assertEquals(200, invoke(s, invoker, name).statusCode(), name + " (acknowledged, kept) is served");
                        }
                        assertEquals(404, seen("get", s.get("/api/pipelines/chaos-lost", KeyServer.ADMIN)).statusCode());
                    }
                    assertEquals(404, a.get("/api/pipelines/chaos-during-outage", KeyServer.ADMIN).statusCode(),
                            "the deploy refused with 503 was not stored");
                    // the instances work together again: a deploy on one is served by the other
                    assertEquals(201, deploy(b, "chaos-after").statusCode());
                    assertEquals(200, await(a, invoker, "chaos-after", 200, 10_000));
                    List<String> names = new ArrayList<>();
                    for (KeyServer s : List.of(a, b)) {
                        names.add(KeyServer.json(seen("list", s.get("/api/pipelines", KeyServer.ADMIN)))
                                .path("pipelines").findValuesAsText("name").toString());
                    }
                    assertEquals(names.get(0), names.get(1), "both instances list the same pipelines");
                    Map<String, Map<Integer, Integer>> summary = new TreeMap<>();
                    statuses.forEach((what, m) -> {
                        Map<Integer, Integer> counts = new TreeMap<>();
                        m.forEach((status, n) -> counts.put(status, n.get()));
                        summary.put(what, counts);
                    });
                    System.out.println("[chaos] statuses: " + summary);
                    assertEquals(List.of(), logs.alarming(), "no ERROR and no stack trace in the log");
                }
            }
        }
    }
}
