package dev.braid.server.pipelines;

import static dev.braid.server.pipelines.RegistryServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin API and the registry over real HTTP, run once per database (H2 and PostgreSQL
 * subclasses). One server per class; every test uses pipelines of its own. In every test
 * pipeline, version N outputs {@code {"v": N}}, so each answer proves which version ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RegistryApiContract {

    abstract TestDatabase.Kind kind();

    TestDatabase db;
    Path seeds;
    RegistryServer server;

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create(kind());
        seeds = Files.createTempDirectory("braid-seeds-");
        server = RegistryServer.start(db, seeds, Map.of());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static String pipeline(String name, int marker) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: out
                    transform: { jsonata: '{"v": %d}' }
                """.formatted(name, marker);
    }

    // ---- deploy ---------------------------------------------------------------------------

    @Test
    void deployStoresVersionsTheFirstActivatesIdenticalIs200() throws Exception {
        String v1 = pipeline("dep", 1);
        HttpResponse<String> first = server.deploy(v1, "message=first");
        assertEquals(201, first.statusCode(), first.body());
        JsonNode d = json(first);
        assertEquals("dep", d.get("name").asText());
        assertEquals(1, d.get("version").asInt());
        assertEquals(PipelineRegistry.sha256(v1), d.get("sha256").asText());
        assertTrue(d.get("active").asBoolean());
        assertEquals(1, d.get("activeVersion").asInt());
        assertEquals(1, server.invokedMarker("dep"));

        HttpResponse<String> same = server.deploy(v1, "");
        assertEquals(200, same.statusCode(), same.body());
        assertEquals(1, json(same).get("version").asInt());
        assertTrue(json(same).get("active").asBoolean());

        // a later version is stored but only activated when asked
        String v2 = pipeline("dep", 2);
        HttpResponse<String> second = server.deploy(v2, "");
        assertEquals(201, second.statusCode(), second.body());
        assertEquals(2, json(second).get("version").asInt());
        assertFalse(json(second).get("active").asBoolean());
        assertEquals(1, json(second).get("activeVersion").asInt());
        assertEquals(1, server.invokedMarker("dep"));
        HttpResponse<String> pinned = server.invoke("dep", 2);
        assertEquals(200, pinned.statusCode(), pinned.body());
        assertEquals(2, json(pinned).get("output").get("v").asInt());

        // deploying the newest YAML again with activate=true activates it, storing nothing
        HttpResponse<String> again = server.deploy(v2, "activate=true");
        assertEquals(200, again.statusCode(), again.body());
        assertTrue(json(again).get("active").asBoolean());
        assertEquals(2, json(again).get("activeVersion").asInt());
        assertEquals(2, server.invokedMarker("dep"));
        assertEquals(2, json(server.get("/api/pipelines/dep/versions")).get("versions").size());

        // a third version activated on deploy: audited with the version it replaced
        HttpResponse<String> old = server.deploy(pipeline("dep", 3), "activate=true");
        assertEquals(201, old.statusCode(), old.body());
        assertEquals(3, json(old).get("version").asInt());
        assertEquals(3, server.invokedMarker("dep"));

        List<String> types = new ArrayList<>();
        json(server.get("/api/pipelines/dep/history")).get("events").forEach(e -> types.add(
                e.get("type").asText() + ":" + e.get("version").asInt() + ":" + e.get("fromVersion").asText()));
        assertEquals(List.of("deploy:1:null", "deploy:2:null", "activate:2:1", "deploy:3:2"), types);
    }

    @Test
    void anInvalidPipelineIs422WithLineAndColumnAndStoresNothing() throws Exception {
        String bad = """
                apiVersion: braid/v1
                kind: Pipeline
                name: bad-one
                steps:
                  - id: oops
                    transfrom: { jsonata: "input" }
                """;
        for (String path : List.of("/api/pipelines", "/api/pipelines/validate")) {
            HttpResponse<String> r = server.send(server.request(path)
                    .header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString(bad)));
            assertEquals(422, r.statusCode(), r.body());
            JsonNode error = json(r).get("error");
            assertEquals("pipeline_invalid", error.get("code").asText());
            assertEquals("invalid_request_error", error.get("type").asText());
            JsonNode first = error.get("errors").get(0);
            assertEquals(6, first.get("line").asInt(), r.body());
            assertEquals(5, first.get("column").asInt(), r.body());
            assertEquals("steps[0].transfrom", first.get("path").asText());
            assertTrue(first.get("message").asText().contains("transform"), r.body());
        }
        assertEquals(404, server.get("/api/pipelines/bad-one").statusCode());
    }

    @Test
    void validateAnswersTheCamelYamlAndStoresNothing() throws Exception {
        HttpResponse<String> r = server.send(server.request("/api/pipelines/validate")
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(pipeline("val", 1))));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(json(r).get("valid").asBoolean());
        assertTrue(json(r).get("camel").asText().contains("direct:braid.val.v1"), r.body());
        assertEquals(404, server.get("/api/pipelines/val").statusCode());
        assertEquals(404, server.invoke("val", null).statusCode());
    }

    @Test
    void tooLargeIs413AndNotUtf8Is400() throws Exception {
        String big = pipeline("big", 1) + "# " + "x".repeat(2 * 1024 * 1024) + "\n";
        HttpResponse<String> r = server.send(server.request("/api/pipelines")
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("request_too_large", json(r).get("error").get("code").asText());

        byte[] latin1 = pipeline("latin", 1).replace("steps:", "description: caf\u00e9\nsteps:")
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> enc = server.send(server.request("/api/pipelines")
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));
        assertEquals(400, enc.statusCode(), enc.body());
        assertEquals("invalid_encoding", json(enc).get("error").get("code").asText());
        assertEquals(404, server.get("/api/pipelines/latin").statusCode());
    }

    // ---- reads ----------------------------------------------------------------------------

    @Test
    void listGetVersionsYamlCamelAndDiff() throws Exception {
        // comments and trailing spaces: the stored text is exactly what was sent
        String v1 = "# the first one  \n" + pipeline("reads", 1);
        String v2 = pipeline("reads", 2).replace("steps:", "description: second\nsteps:");
        assertEquals(201, server.deploy(v1, "message=hello%20world").statusCode());
        assertEquals(201, server.deploy(v2, "").statusCode());

        JsonNode list = json(server.get("/api/pipelines")).get("pipelines");
        JsonNode mine = null;
        for (JsonNode p : list) {
            if (p.get("name").asText().equals("reads")) {
                mine = p;
            }
        }
        assertNotNull(mine, list.toString());
        assertEquals(1, mine.get("activeVersion").asInt());
        assertEquals(2, mine.get("latestVersion").asInt());
        assertEquals(2, mine.get("versionCount").asInt());
        assertEquals(mine, json(server.get("/api/pipelines/reads")));

        JsonNode versions = json(server.get("/api/pipelines/reads/versions")).get("versions");
        assertEquals(2, versions.size());
        assertEquals(Set.of("version", "sha256", "author", "message", "createdAt", "active", "state"),
                fields(versions.get(0)));
        assertEquals(1, versions.get(0).get("version").asInt());
        assertEquals("hello world", versions.get(0).get("message").asText());
        assertEquals("anonymous", versions.get(0).get("author").asText());
        assertEquals(PipelineRegistry.sha256(v1), versions.get(0).get("sha256").asText());
        assertTrue(versions.get(0).get("active").asBoolean());
        assertFalse(versions.get(1).get("active").asBoolean());
        assertTrue(versions.get(1).get("message").isNull());

        JsonNode one = json(server.get("/api/pipelines/reads/versions/1"));
        assertEquals(v1, one.get("yaml").asText());
        assertEquals(1, one.get("version").asInt());

        HttpResponse<String> raw = server.send(server.request("/api/pipelines/reads/versions/2")
                .header("Accept", "application/yaml").GET());
        assertEquals(200, raw.statusCode());
        assertTrue(raw.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        assertEquals(v2, raw.body());

        HttpResponse<String> camel = server.get("/api/pipelines/reads/versions/2/camel");
        assertEquals(200, camel.statusCode(), camel.body());
        assertTrue(camel.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        assertTrue(camel.body().contains("direct:braid.reads.v2"), camel.body());
        assertFalse(camel.body().contains("braid.reads.v1"), camel.body());

        HttpResponse<String> diff = server.get("/api/pipelines/reads/diff?from=1&to=2");
        assertEquals(200, diff.statusCode(), diff.body());
        assertTrue(diff.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = diff.body();
        assertTrue(text.startsWith("--- reads.yaml (v1)\n+++ reads.yaml (v2)\n@@ "), text);
        assertTrue(text.contains("\n-# the first one  \n"), text);
        assertTrue(text.contains("\n+description: second\n"), text);
        assertTrue(text.contains("\n-    transform: { jsonata: '{\"v\": 1}' }\n"), text);
        assertTrue(text.contains("\n+    transform: { jsonata: '{\"v\": 2}' }\n"), text);
        assertTrue(text.contains("\n kind: Pipeline\n"), text);
        assertEquals("", server.get("/api/pipelines/reads/diff?from=2&to=2").body());
    }

    // ---- activation and rollback ------------------------------------------------------------

    @Test
    void activateAndRollbackWalkBackAndAreAudited() throws Exception {
        for (int v = 1; v <= 3; v++) {
            assertEquals(201, server.deploy(pipeline("walk", v), "").statusCode());
        }
        assertEquals(1, server.invokedMarker("walk"));
        assertActivation(server.post("/api/pipelines/walk/versions/2/activate", null), 2, 1);
        assertEquals(2, server.invokedMarker("walk"));
        assertActivation(server.post("/api/pipelines/walk/versions/3/activate", null), 3, 2);
        assertEquals(3, server.invokedMarker("walk"));

        assertActivation(server.post("/api/pipelines/walk/rollback", null), 2, 3);
        assertEquals(2, server.invokedMarker("walk"));
        assertActivation(server.post("/api/pipelines/walk/rollback", "{}"), 1, 2);
        assertEquals(1, server.invokedMarker("walk"));
        HttpResponse<String> none = server.post("/api/pipelines/walk/rollback", null);
        assertEquals(409, none.statusCode(), none.body());
        assertEquals("nothing_to_roll_back", json(none).get("error").get("code").asText());
        assertEquals(1, server.invokedMarker("walk"));

        assertActivation(server.post("/api/pipelines/walk/rollback", "{\"to\":3}"), 3, 1);
        assertEquals(3, server.invokedMarker("walk"));
        // every version left by a rollback is rejected (1 and 2 now): a plain rollback has nowhere to go
        assertProblem(server.post("/api/pipelines/walk/rollback", null), 409, "nothing_to_roll_back");
        assertEquals(3, server.invokedMarker("walk"));
        // activating a rejected version clears its rejection
        assertActivation(server.post("/api/pipelines/walk/versions/1/activate", null), 1, 3);
        assertEquals(1, server.invokedMarker("walk"));

        HttpResponse<String> same = server.post("/api/pipelines/walk/versions/1/activate", null);
        assertEquals(200, same.statusCode(), same.body());
        assertFalse(json(same).get("changed").asBoolean());
        HttpResponse<String> toActive = server.post("/api/pipelines/walk/rollback", "{\"to\":1}");
        assertEquals(409, toActive.statusCode(), toActive.body());

        HttpResponse<String> history = server.get("/api/pipelines/walk/history");
        assertEquals(200, history.statusCode());
        List<String> seen = new ArrayList<>();
        for (JsonNode e : json(history).get("events")) {
            assertEquals(Set.of("type", "version", "fromVersion", "actor", "at"), fields(e), e.toString());
            assertEquals("anonymous", e.get("actor").get("id").asText());
            assertEquals(Set.of("id", "name"), fields(e.get("actor")));
            assertFalse(e.get("at").asText().isBlank());
            seen.add(e.get("type").asText() + ":" + e.get("version").asInt() + ":" + e.get("fromVersion").asText());
        }
        assertEquals(List.of("deploy:1:null", "deploy:2:null", "deploy:3:null", "activate:2:1", "activate:3:2",
                "rollback:2:3", "rollback:1:2", "rollback:3:1", "activate:1:3"), seen);
        assertFalse(history.body().contains("jsonata"), "history carries no pipeline text");

        JsonNode versions = json(server.get("/api/pipelines/walk/versions")).get("versions");
        assertTrue(versions.get(0).get("active").asBoolean());
        assertEquals(1, json(server.get("/api/pipelines/walk")).get("activeVersion").asInt());
    }

    /** The CI scenario of issue 14: deploy v4, its smoke test fails, CI rolls back to 3, an operator rolls back. */
    @Test
    void aVersionLeftByARollbackNeverComesBackByAPlainRollback() throws Exception {
        for (int v = 1; v <= 3; v++) {
            assertEquals(201, server.deploy(pipeline("ci", v), "activate=true").statusCode());
        }
        assertEquals(201, server.deploy(pipeline("ci", 4), "activate=true").statusCode());
        assertEquals(3, rollbackTarget("ci"), "before: a rollback would leave v4 for v3");
        assertActivation(server.post("/api/pipelines/ci/rollback", "{\"to\":3}"), 3, 4);
        assertEquals(Map.of(1, "inactive", 2, "inactive", 3, "active", 4, "rejected"), states("ci"));
        assertEquals(2, rollbackTarget("ci"));
        assertEquals(2, json(server.get("/api/pipelines/ci")).get("rollbackTarget").asInt());

        assertActivation(server.post("/api/pipelines/ci/rollback", null), 2, 3);
        assertEquals(2, server.invokedMarker("ci"), "the rejected v4 did not come back");
        assertEquals(Map.of(1, "inactive", 2, "active", 3, "rejected", 4, "rejected"), states("ci"));
        assertActivation(server.post("/api/pipelines/ci/rollback", null), 1, 2);
        assertProblem(server.post("/api/pipelines/ci/rollback", null), 409, "nothing_to_roll_back");
        JsonNode versions = json(server.get("/api/pipelines/ci/versions"));
        assertTrue(versions.has("rollbackTarget") && versions.get("rollbackTarget").isNull(), versions.toString());
        assertEquals(1, server.invokedMarker("ci"));

        // rollback {"to": v} clears v's rejection and rejects the version it leaves
        assertActivation(server.post("/api/pipelines/ci/rollback", "{\"to\":4}"), 4, 1);
        assertEquals(Map.of(1, "rejected", 2, "rejected", 3, "rejected", 4, "active"), states("ci"));
        assertEquals("active", json(server.get("/api/pipelines/ci/versions/4")).get("state").asText());
        assertEquals("rejected", json(server.get("/api/pipelines/ci/versions/3")).get("state").asText());

        // the audit trail names both versions of every rollback
        List<String> rollbacks = new ArrayList<>();
        for (JsonNode e : json(server.get("/api/pipelines/ci/history")).get("events")) {
            if (e.get("type").asText().equals("rollback")) {
                rollbacks.add(e.get("fromVersion").asInt() + "->" + e.get("version").asInt());
            }
        }
        assertEquals(List.of("4->3", "3->2", "2->1", "1->4"), rollbacks);
    }

    @Test
    void deployActivateRollbackToThenRollbackDoesNotReactivateTheRejectedVersion() throws Exception {
        assertEquals(201, server.deploy(pipeline("cli2", 1), "").statusCode());
        assertEquals(201, server.deploy(pipeline("cli2", 2), "activate=true").statusCode());
        assertActivation(server.post("/api/pipelines/cli2/rollback", "{\"to\":1}"), 1, 2);
        assertProblem(server.post("/api/pipelines/cli2/rollback", null), 409, "nothing_to_roll_back");
        assertEquals(1, server.invokedMarker("cli2"));
        assertEquals(Map.of(1, "active", 2, "rejected"), states("cli2"));
        // a deploy of identical YAML with activate=true is an activation: it clears the rejection
        HttpResponse<String> again = server.deploy(pipeline("cli2", 2), "activate=true");
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(Map.of(1, "inactive", 2, "active"), states("cli2"));
        assertEquals(1, rollbackTarget("cli2"));
    }

    @Test
    void twoPlainRollbacksInARowEachLeaveARejectedVersion() throws Exception {
        for (int v = 1; v <= 3; v++) {
            assertEquals(201, server.deploy(pipeline("twice", v), "activate=true").statusCode());
        }
        assertActivation(server.post("/api/pipelines/twice/rollback", null), 2, 3);
        assertActivation(server.post("/api/pipelines/twice/rollback", null), 1, 2);
        assertEquals(Map.of(1, "active", 2, "rejected", 3, "rejected"), states("twice"));
        assertEquals(1, server.invokedMarker("twice"));
        assertProblem(server.post("/api/pipelines/twice/rollback", null), 409, "nothing_to_roll_back");
        // a plain activate is not a rollback: the version it leaves is not rejected
        assertActivation(server.post("/api/pipelines/twice/versions/3/activate", null), 3, 1);
        assertEquals(Map.of(1, "inactive", 2, "rejected", 3, "active"), states("twice"));
        assertActivation(server.post("/api/pipelines/twice/rollback", null), 1, 3);
    }

    private Map<Integer, String> states(String name) throws Exception {
        Map<Integer, String> out = new java.util.TreeMap<>();
        for (JsonNode v : json(server.get("/api/pipelines/" + name + "/versions")).get("versions")) {
            out.put(v.get("version").asInt(), v.get("state").asText());
        }
        return out;
    }

    private Integer rollbackTarget(String name) throws Exception {
        JsonNode t = json(server.get("/api/pipelines/" + name + "/versions")).get("rollbackTarget");
        return t.isNull() ? null : t.asInt();
    }

    private static void assertActivation(HttpResponse<String> r, int active, int from) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(active, json(r).get("activeVersion").asInt(), r.body());
        assertEquals(from, json(r).get("fromVersion").asInt(), r.body());
        assertTrue(json(r).get("changed").asBoolean(), r.body());
    }

    @Test
    void unknownPipelinesAndVersionsAre404() throws Exception {
        for (String path : List.of("/api/pipelines/nope", "/api/pipelines/nope/versions",
                "/api/pipelines/nope/versions/1", "/api/pipelines/nope/versions/1/camel",
                "/api/pipelines/nope/diff?from=1&to=2", "/api/pipelines/nope/history")) {
            assertProblem(server.get(path), 404, "pipeline_not_found");
        }
        assertProblem(server.post("/api/pipelines/nope/versions/1/activate", null), 404, "pipeline_not_found");
        assertProblem(server.post("/api/pipelines/nope/rollback", null), 404, "pipeline_not_found");

        assertEquals(201, server.deploy(pipeline("known", 1), "").statusCode());
        for (String path : List.of("/api/pipelines/known/versions/9", "/api/pipelines/known/versions/9/camel",
                "/api/pipelines/known/diff?from=1&to=9")) {
            assertProblem(server.get(path), 404, "version_not_found");
        }
        assertProblem(server.post("/api/pipelines/known/versions/9/activate", null), 404, "version_not_found");
        assertProblem(server.post("/api/pipelines/known/rollback", "{\"to\":9}"), 404, "version_not_found");
        assertProblem(server.post("/api/pipelines/known/rollback", null), 409, "nothing_to_roll_back");
        assertProblem(server.invoke("known", 9), 404, "version_not_found");
        assertProblem(server.invoke("nope", 1), 404, "pipeline_not_found");
        assertEquals(1, server.invokedMarker("known"));
    }

    private static void assertProblem(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, json(r).get("error").get("code").asText(), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
    }

    // ---- concurrency, failures, restarts ------------------------------------------------------

    @Test
    void concurrentDeploysGetDistinctNumbersAndNoneIsLost() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String yaml = pipeline("race", 1).replace("steps:", "description: writer " + i + "\nsteps:");
                answers.add(pool.submit(() -> {
                    go.await();
                    return server.deploy(yaml, "");
                }));
            }
            go.countDown();
            Set<Integer> numbers = new TreeSet<>();
            Set<String> shas = new HashSet<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertEquals(201, r.statusCode(), r.body());
                numbers.add(json(r).get("version").asInt());
                shas.add(json(r).get("sha256").asText());
            }
            assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8), numbers);
            JsonNode versions = json(server.get("/api/pipelines/race/versions")).get("versions");
            assertEquals(n, versions.size());
            Set<String> stored = new HashSet<>();
            versions.forEach(v -> stored.add(v.get("sha256").asText()));
            assertEquals(shas, stored);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeployThatCamelCannotLoadChangesNothing() throws Exception {
        assertEquals(201, server.deploy(pipeline("camelfail", 1), "").statusCode());
        String unloadable = """
                apiVersion: braid/v1
                kind: Pipeline
                name: camelfail
                steps:
                  - id: raw
                    camel:
                      steps:
                        - to: "log:x?noSuchOption=1"
                """;
        HttpResponse<String> r = server.deploy(unloadable, "activate=true");
        assertEquals(422, r.statusCode(), r.body());
        assertEquals("pipeline_invalid", json(r).get("error").get("code").asText());
        assertUnchanged("camelfail");
    }

    @Test
    void aDatabaseFailureDuringDeployChangesNothing() throws Exception {
        assertEquals(201, server.deploy(pipeline("dbfail", 1), "").statusCode());
        // the audit insert (the transaction's last write) fails: the version and pointer writes roll back
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_events ADD CONSTRAINT test_refuse CHECK (NOT (pipeline = 'dbfail' AND version = 2))");
        }
        HttpResponse<String> r;
        try {
            r = server.deploy(pipeline("dbfail", 2), "activate=true");
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE audit_events DROP CONSTRAINT test_refuse");
            }
        }
        assertEquals(500, r.statusCode(), r.body());
        assertEquals("internal_error", json(r).get("error").get("code").asText());
        assertFalse(r.body().contains("test_refuse"), r.body());
        assertUnchanged("dbfail"); // ends with v2 deployed and active

        // the same for a rollback: the pointer stays, the runtime keeps serving v2, nothing is audited
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_events ADD CONSTRAINT test_refuse CHECK (NOT (pipeline = 'dbfail' AND event_type = 'rollback'))");
        }
        HttpResponse<String> back;
        try {
            back = server.post("/api/pipelines/dbfail/rollback", null);
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE audit_events DROP CONSTRAINT test_refuse");
            }
        }
        assertEquals(500, back.statusCode(), back.body());
        assertEquals(2, json(server.get("/api/pipelines/dbfail")).get("activeVersion").asInt());
        assertEquals(2, server.invokedMarker("dbfail"));
        assertEquals(2, json(server.get("/api/pipelines/dbfail/history")).get("events").size());
        assertEquals(200, server.post("/api/pipelines/dbfail/rollback", null).statusCode());
        assertEquals(1, server.invokedMarker("dbfail"));
    }

    /** Only version 1 exists, is active and runs; version 2 is nowhere; the next deploy is version 2. */
    private void assertUnchanged(String name) throws Exception {
        JsonNode p = json(server.get("/api/pipelines/" + name));
        assertEquals(1, p.get("activeVersion").asInt(), p.toString());
        assertEquals(1, p.get("versionCount").asInt(), p.toString());
        assertEquals(1, json(server.get("/api/pipelines/" + name + "/history")).get("events").size());
        assertEquals(1, server.invokedMarker(name));
        assertProblem(server.invoke(name, 2), 404, "version_not_found");
        assertTrue(server.runtime().loadedVersion(name, 2).isEmpty(), "the failed version was unloaded");
        HttpResponse<String> next = server.deploy(pipeline(name, 2), "activate=true");
        assertEquals(201, next.statusCode(), next.body());
        assertEquals(2, json(next).get("version").asInt());
        assertEquals(2, server.invokedMarker(name));
    }

    @Test
    void restartKeepsVersionsAndTheActivePointerAndDoesNotRedeployFiles() throws Exception {
        TestDatabase fresh = TestDatabase.create(kind());
        Path dir = Files.createTempDirectory("braid-seed-");
        Files.writeString(dir.resolve("seed.yaml"), pipeline("seed", 1));
        try {
            try (RegistryServer first = RegistryServer.start(fresh, dir, Map.of())) {
                JsonNode seeded = json(first.get("/api/pipelines/seed"));
                assertEquals(1, seeded.get("activeVersion").asInt(), seeded.toString());
                assertEquals("startup", json(first.get("/api/pipelines/seed/history")).get("events").get(0)
                        .get("actor").get("id").asText());
                assertEquals(201, first.deploy(pipeline("seed", 2), "activate=true").statusCode());
                assertEquals(201, first.deploy(pipeline("seed", 3), "").statusCode());
                assertEquals(2, first.invokedMarker("seed"));
                assertEquals(201, first.deploy(pipeline("rot", 1), "").statusCode());
            }
            // a stored version that no longer compiles (say, a component changed) must not stop a start
            try (Connection c = fresh.connect(); Statement s = c.createStatement()) {
                s.execute("UPDATE pipeline_versions SET yaml = 'apiVersion: braid/v1\nkind: Pipeline\nname: rot\n"
                        + "steps:\n  - id: x\n    nosuchstep: {}\n' WHERE pipeline = 'rot'");
            }
            try (RegistryServer second = RegistryServer.start(fresh, dir, Map.of())) {
                JsonNode p = json(second.get("/api/pipelines/seed"));
                assertEquals(2, p.get("activeVersion").asInt(), p.toString());
                assertEquals(3, p.get("versionCount").asInt(), p.toString());
                assertEquals(2, second.invokedMarker("seed"));
                assertEquals(3, json(second.invoke("seed", 3)).get("output").get("v").asInt());
                assertEquals(3, json(second.get("/api/pipelines/seed/history")).get("events").size());
                assertEquals(pipeline("seed", 2), json(second.get("/api/pipelines/seed/versions/2")).get("yaml").asText());
                assertProblem(second.invoke("rot", null), 404, "pipeline_not_found");
                assertEquals(1, json(second.get("/api/pipelines/rot")).get("activeVersion").asInt());
            }
        } finally {
            fresh.close();
        }
    }

    @Test
    void anotherInstanceOnTheSameDatabaseAppliesActivationsWithinASecondAndDeploysWithoutCollisions() throws Exception {
        // PostgreSQL: the reconcile is slowed down so that only NOTIFY can be this fast; H2: the reconcile does it
        Map<String, Object> slow = kind() == TestDatabase.Kind.POSTGRES
                ? Map.of("braid.registry.reconcile-interval", "60s")
                : Map.of("braid.registry.reconcile-interval", "300ms");
        assertEquals(201, server.deploy(pipeline("multi", 1), "").statusCode());
        assertEquals(201, server.deploy(pipeline("multi", 2), "").statusCode());
        try (RegistryServer other = RegistryServer.start(db, Files.createTempDirectory("braid-none-"), slow)) {
            assertEquals(1, other.invokedMarker("multi"));
            assertEquals(200, server.post("/api/pipelines/multi/versions/2/activate", null).statusCode());
            long t0 = System.nanoTime();
            awaitTrue(() -> other.runtime().activeVersion("multi").orElse(0) == 2, 1000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(2, other.invokedMarker("multi"), "applied after " + ms + " ms");
            // and back, from the other side
            assertEquals(200, other.post("/api/pipelines/multi/rollback", null).statusCode());
            awaitTrue(() -> server.runtime().activeVersion("multi").orElse(0) == 1, 2500);
            assertEquals(1, server.invokedMarker("multi"));
            // the rejection lives in the database: this instance sees v2 rejected and will not go back to it
            assertEquals("rejected", json(server.get("/api/pipelines/multi/versions/2")).get("state").asText());
            assertProblem(server.post("/api/pipelines/multi/rollback", null), 409, "nothing_to_roll_back");
            assertEquals(200, server.post("/api/pipelines/multi/versions/2/activate", null).statusCode());
            assertEquals("active", json(other.get("/api/pipelines/multi/versions/2")).get("state").asText());
            assertEquals(1, json(other.get("/api/pipelines/multi/versions")).get("rollbackTarget").asInt());
            assertEquals(200, other.post("/api/pipelines/multi/rollback", null).statusCode());
            awaitTrue(() -> server.runtime().activeVersion("multi").orElse(0) == 1, 2500);

            // two instances deploying one pipeline at once: the row lock and the unique constraint
            // (with a retry) give every deploy its own number, none lost
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            try {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    RegistryServer target = i % 2 == 0 ? server : other;
                    String yaml = pipeline("race2", 1).replace("steps:", "description: writer " + i + "\nsteps:");
                    answers.add(pool.submit(() -> {
                        go.await();
                        return target.deploy(yaml, "");
                    }));
                }
                go.countDown();
                Set<Integer> numbers = new TreeSet<>();
                for (Future<HttpResponse<String>> f : answers) {
                    HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                    assertEquals(201, r.statusCode(), r.body());
                    numbers.add(json(r).get("version").asInt());
                }
                assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8), numbers);
                assertEquals(8, json(other.get("/api/pipelines/race2/versions")).get("versions").size());
                assertEquals(1, json(other.get("/api/pipelines/race2")).get("activeVersion").asInt());
                assertEquals(1, json(server.get("/api/pipelines/race2/history")).get("events").get(0)
                        .get("version").asInt());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- zero-drop activation, pinned versions ------------------------------------------------

    @Test
    void activationsDropNoRequest() throws Exception {
        assertEquals(201, server.deploy(pipeline("zd", 1), "").statusCode());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        Map<Integer, AtomicInteger> byVersion = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                clients.submit(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = server.invoke("zd", null);
                            JsonNode b = json(r);
                            if (r.statusCode() != 200
                                    || b.path("version").asInt() != b.path("output").path("v").asInt()) {
                                failures.add(r.statusCode() + " " + r.body());
                            } else {
                                ok.incrementAndGet();
                                byVersion.computeIfAbsent(b.path("version").asInt(), k -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                });
            }
            awaitTrue(() -> ok.get() > 50, 10_000);
            assertEquals(201, server.deploy(pipeline("zd", 2), "").statusCode());
            pause(ok);
            assertEquals(200, server.post("/api/pipelines/zd/versions/2/activate", null).statusCode());
            pause(ok);
            assertEquals(200, server.post("/api/pipelines/zd/rollback", null).statusCode());
            pause(ok);
            assertEquals(200, server.post("/api/pipelines/zd/versions/2/activate", null).statusCode());
            pause(ok);
        } finally {
            running.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " failed");
        assertTrue(byVersion.containsKey(1) && byVersion.containsKey(2), byVersion.toString());
        assertEquals(2, server.invokedMarker("zd"));
    }

    /** Lets the clients run a while between changes. */
    private static void pause(AtomicInteger ok) {
        int target = ok.get() + 40;
        awaitTrue(() -> ok.get() >= target, 10_000);
    }

    @Test
    void aPinnedVersionLoadsOnDemandAfterItDrainedAndUnloadsWhenIdle() throws Exception {
        // its own instance with a 5 s pinned-idle timeout: with the shared 1 s one, a loaded CI machine
        // could unload v1 between the pinned call's answer and the check that it is still loaded
        try (RegistryServer pinned = RegistryServer.start(db, Files.createTempDirectory("braid-none-"),
                Map.of("braid.registry.pinned-idle-timeout", "5s"))) {
            assertEquals(201, pinned.deploy(pipeline("pin", 1), "").statusCode());
            assertEquals(201, pinned.deploy(pipeline("pin", 2), "activate=true").statusCode());
            awaitTrue(() -> pinned.runtime().loadedVersion("pin", 1).isEmpty(), 20000); // drained and removed
            for (int round = 0; round < 2; round++) {
                HttpResponse<String> r = pinned.invoke("pin", 1);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(1, json(r).get("version").asInt());
                assertEquals(1, json(r).get("output").get("v").asInt());
                assertTrue(pinned.runtime().loadedVersion("pin", 1).isPresent());
                assertEquals(2, pinned.invokedMarker("pin"));
                // unloaded once idle for the 5 s pinned-idle timeout (swept every 1.25 s)
                awaitTrue(() -> pinned.runtime().loadedVersion("pin", 1).isEmpty(), 30000);
                assertEquals(2, pinned.invokedMarker("pin"), "the active version is never unloaded as idle");
            }
            // rolling back to a drained version loads it again from the database
            assertEquals(200, pinned.post("/api/pipelines/pin/rollback", null).statusCode());
            assertEquals(1, pinned.invokedMarker("pin"));
        }
    }

    static void awaitTrue(BooleanSupplier condition, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + timeoutMs + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
