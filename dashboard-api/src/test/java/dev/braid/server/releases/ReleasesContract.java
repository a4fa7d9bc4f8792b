package dev.braid.server.releases;

import static dev.braid.server.releases.ReleaseServer.json;
import static dev.braid.server.releases.ReleaseServer.modelPipeline;
import static dev.braid.server.releases.ReleaseServer.pipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.Http;
import dev.braid.server.pipelines.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Releases over real HTTP, once per database (H2 and PostgreSQL subclasses): the API and its
 * refusals, sticky routing and the envelope, abort, a healthy candidate walking its steps to
 * promotion, and the guard rolling a failing candidate back under load. Each test has its own
 * pipeline; version N answers {@code {"v": N}}, so every answer proves which version ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReleasesContract {

    abstract TestDatabase.Kind kind();

    TestDatabase db;
    ReleaseServer server;

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create(kind());
        server = ReleaseServer.start(db, Map.of());
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

    /** Deploys versions 1..n of {@code name} (each outputs its number), v1 active. */
    void versions(String name, int n) throws Exception {
        for (int v = 1; v <= n; v++) {
            HttpResponse<String> r = server.deploy(pipeline(name, v), "");
            assertEquals(201, r.statusCode(), r.body());
        }
    }

    HttpResponse<String> startRelease(String name, String body) throws Exception {
        return server.post("/api/pipelines/" + name + "/releases", body);
    }

    static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("timed out waiting for " + what);
    }

    JsonNode current(String name) throws Exception {
        return json(server.get("/api/pipelines/" + name + "/releases/current"));
    }

    List<String> historyTypes(String name) throws Exception {
        List<String> types = new ArrayList<>();
        for (JsonNode e : json(server.get("/api/pipelines/" + name + "/history")).get("events")) {
            types.add(e.get("type").asText());
        }
        return types;
    }

    String stateOf(String name, int version) throws Exception {
        for (JsonNode v : json(server.get("/api/pipelines/" + name + "/versions")).get("versions")) {
            if (v.get("version").asInt() == version) {
                return v.get("state").asText();
            }
        }
        throw new AssertionError("no version " + version);
    }

    // ---- the API ----------------------------------------------------------------------------

    @Test
    void refusalsAreClearJsonErrors() throws Exception {
        versions("rel-bad", 2);
        Http.assertError(server.get("/api/pipelines/rel-bad/releases/current"), 404, "release_not_found");
        Http.assertError(startRelease("nope-none", "{\"candidate\":2,\"steps\":[50]}"), 404, "pipeline_not_found");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":9,\"steps\":[50]}"), 404, "version_not_found");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":1,\"steps\":[50]}"), 409, "already_active");
        Http.assertError(startRelease("rel-bad", "{\"steps\":[50]}"), 400, "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2}"), 400, "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[50,25]}"), 400, "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[101]}"), 400, "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[5],\"stepEvery\":\"soon\"}"), 400,
                "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[5],\"sticky\":\"cookie\"}"), 400,
                "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[5],\"guard\":{\"maxErrorRate\":2}}"),
                400, "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[5],\"typo\":1}"), 400, "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[5],\"sticky\":\"header:X\\u0001\"}"), 400,
                "invalid_request");
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[5],\"sticky\":\"header:\\u0000\"}"), 400,
                "invalid_json"); // NUL is refused for every JSON body, before any controller
        Http.assertError(startRelease("rel-bad", "{\"candidate\":1e999}"), 400, "invalid_json"); // as every body
        Http.assertError(startRelease("rel-bad", "[1]"), 400, "invalid_request");
        Http.assertError(startRelease("rel-bad", "{"), 400, "invalid_json");
        Http.assertError(server.send(server.request("/api/pipelines/rel-bad/releases")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', (byte) 0xC3, '"', '}'}))), 400,
                "invalid_json"); // the server's JSON reader refuses bad UTF-8 before any controller
        Http.assertError(startRelease("rel-bad", "{\"candidate\":2,\"steps\":[5],\"stepEvery\":\"" + "9".repeat(5000)
                + "\"}"), 400, "invalid_request");
        Http.assertError(server.post("/api/pipelines/rel-bad/releases/current/promote", null), 404, "release_not_found");
        Http.assertError(server.post("/api/pipelines/rel-bad/releases/current/abort", null), 404, "release_not_found");
        assertEquals(0, json(server.get("/api/pipelines/rel-bad/releases")).get("releases").size());
        assertEquals(1, server.invokePinned("rel-bad", 1).statusCode() == 200 ? 1 : 0);
    }

    @Test
    void aRunningReleaseRoutesStickilyAndBlocksOtherChanges() throws Exception {
        versions("rel-sticky", 2);
        HttpResponse<String> started = startRelease("rel-sticky",
                "{\"candidate\":2,\"steps\":[50,100],\"stepEvery\":\"1h\",\"sticky\":\"header:X-User\"}");
        assertEquals(201, started.statusCode(), started.body());
        JsonNode r = json(started);
        String id = r.get("id").asText();
        assertTrue(id.startsWith("rel_"), id);
        assertEquals("rel-sticky", r.get("pipeline").asText());
        assertEquals(1, r.get("stable").asInt());
        assertEquals(2, r.get("candidate").asInt());
        assertEquals("running", r.get("state").asText());
        assertEquals(50, r.get("weight").asInt());
        assertTrue(r.get("endedAt").isNull());
        for (String arm : List.of("stable", "candidate")) {
            JsonNode a = r.get("arms").get(arm);
            for (String f : List.of("requests", "errors", "errorRate", "p50Ms", "p99Ms", "costPerRequestUsd")) {
                assertTrue(a.has(f), arm + " has " + f + ": " + r);
            }
        }
        assertTrue(r.get("shadow").has("matchRate"), r.toString());
        assertEquals(id, current("rel-sticky").get("id").asText());
        assertEquals("candidate", stateOf("rel-sticky", 2));
        assertEquals("active", stateOf("rel-sticky", 1));

        // one user stays on one arm; the envelope names the release and the arm, the header the version
        Map<String, Integer> armOf = new HashMap<>();
        int onCandidate = 0;
        for (int u = 0; u < 200; u++) {
            String user = "user-" + u;
            for (int call = 0; call < 3; call++) {
                HttpResponse<String> a = server.invoke("rel-sticky", user);
                assertEquals(200, a.statusCode(), a.body());
                JsonNode env = json(a);
                int v = env.get("version").asInt();
                assertEquals(v, env.get("output").get("v").asInt());
                assertEquals(String.valueOf(v), a.headers().firstValue("Braid-Pipeline-Version").orElse(null));
                assertEquals(id, env.get("release").get("id").asText());
                assertEquals(v == 2 ? "candidate" : "stable", env.get("release").get("arm").asText());
                Integer before = armOf.putIfAbsent(user, v);
                assertEquals(before == null ? v : before, v, user + " changed arms");
            }
            onCandidate += armOf.get(user) == 2 ? 1 : 0;
        }
        assertTrue(onCandidate > 60 && onCandidate < 140, "about half of 200 users on the candidate: " + onCandidate);

        // a pinned call bypasses the release: no release field
        HttpResponse<String> pinned = server.invokePinned("rel-sticky", 1);
        assertEquals(200, pinned.statusCode(), pinned.body());
        assertFalse(json(pinned).has("release"), pinned.body());
        assertEquals("1", pinned.headers().firstValue("Braid-Pipeline-Version").orElse(null));

        // the pipeline/<name> chat answer carries the header too
        HttpResponse<String> chat = server.post("/v1/chat/completions",
                "{\"model\":\"pipeline/rel-sticky\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, chat.statusCode(), chat.body());
        String chatVersion = chat.headers().firstValue("Braid-Pipeline-Version").orElse(null);
        assertNotNull(chatVersion, chat.headers().map().toString());
        assertEquals("v" + chatVersion, json(chat).get("choices").get(0).get("message").get("content").asText());
        HttpResponse<String> streamed = server.post("/v1/pipelines/rel-sticky/invoke", "{\"input\":{},\"stream\":true}");
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertTrue(streamed.headers().firstValue("Braid-Pipeline-Version").isPresent(), streamed.headers().map().toString());
        assertTrue(streamed.body().contains("\"release\":{\"id\":\"" + id), streamed.body());

        // one release at a time; no activation, rollback or activating deploy while it runs
        Http.assertError(startRelease("rel-sticky", "{\"candidate\":2,\"steps\":[5]}"), 409, "release_in_progress");
        Http.assertError(server.post("/api/pipelines/rel-sticky/versions/2/activate", null), 409, "release_in_progress");
        Http.assertError(server.post("/api/pipelines/rel-sticky/rollback", "{\"to\":1}"), 409, "release_in_progress");
        Http.assertError(server.deploy(pipeline("rel-sticky", 3), "activate=true"), 409, "release_in_progress");
        HttpResponse<String> quiet = server.deploy(pipeline("rel-sticky", 3), "");
        assertEquals(201, quiet.statusCode(), "a deploy that does not activate is fine: " + quiet.body());

        // promote: the candidate is active now, the release is over
        HttpResponse<String> promoted = server.post("/api/pipelines/rel-sticky/releases/current/promote", null);
        assertEquals(200, promoted.statusCode(), promoted.body());
        assertEquals("promoted", json(promoted).get("state").asText());
        assertFalse(json(promoted).get("endedAt").isNull());
        Http.assertError(server.get("/api/pipelines/rel-sticky/releases/current"), 404, "release_not_found");
        assertEquals(2, json(server.get("/api/pipelines/rel-sticky")).get("activeVersion").asInt());
        for (int i = 0; i < 10; i++) {
            JsonNode env = json(server.invoke("rel-sticky", "user-" + i));
            assertEquals(2, env.get("version").asInt());
            assertFalse(env.has("release"), "answers after the release carry no release field");
        }
        assertEquals("inactive", stateOf("rel-sticky", 1), "a version left by a promotion is not rejected");
        List<String> history = historyTypes("rel-sticky");
        assertTrue(history.contains("release_started") && history.contains("release_promoted"), history.toString());
        JsonNode list = json(server.get("/api/pipelines/rel-sticky/releases")).get("releases");
        assertEquals(1, list.size());
        assertEquals("promoted", list.get(0).get("state").asText());
    }

    /** A batch line on a pipeline runs as its live call would: a running release decides its arm. */
    @Test
    void batchLinesOnAReleasedPipelineTakeTheReleasesArm() throws Exception {
        versions("rel-batch", 2);
        HttpResponse<String> started = startRelease("rel-batch", "{\"candidate\":2,\"steps\":[100],\"stepEvery\":\"1h\"}");
        assertEquals(201, started.statusCode(), started.body());
        String id = json(started).get("id").asText();

        String invoke = "/v1/pipelines/rel-batch/invoke";
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            lines.append("{\"custom_id\":\"i").append(i).append("\",\"method\":\"POST\",\"url\":\"").append(invoke)
                    .append("\",\"body\":{\"input\":{}}}\n");
        }
        lines.append("{\"custom_id\":\"pinned\",\"method\":\"POST\",\"url\":\"").append(invoke)
                .append("\",\"body\":{\"input\":{},\"version\":1}}\n");
        Map<String, JsonNode> out = runBatch(invoke, lines.toString());
        for (int i = 0; i < 3; i++) {
            JsonNode body = out.get("i" + i).at("/response/body");
            assertEquals(2, body.get("version").asInt(), body.toString());
            assertEquals(2, body.get("output").get("v").asInt(), body.toString());
            assertEquals(id, body.get("release").get("id").asText(), body.toString());
            assertEquals("candidate", body.get("release").get("arm").asText(), body.toString());
        }
        JsonNode pinned = out.get("pinned").at("/response/body");
        assertEquals(1, pinned.get("version").asInt(), pinned.toString());
        assertFalse(pinned.has("release"), "a pinned line bypasses the release: " + pinned);

        String chat = "/v1/chat/completions";
        Map<String, JsonNode> chats = runBatch(chat, "{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"" + chat
                + "\",\"body\":{\"model\":\"pipeline/rel-batch\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n");
        assertEquals("v2", chats.get("c").at("/response/body/choices/0/message/content").asText(), chats.toString());
        assertEquals(200, server.post("/api/pipelines/rel-batch/releases/current/abort", null).statusCode());
    }

    @Test
    void theMessagesAndResponsesDoorsFollowARunningRelease() throws Exception {
        versions("rel-msg", 2);
        HttpResponse<String> started = startRelease("rel-msg", "{\"candidate\":2,\"steps\":[100],\"stepEvery\":\"1h\"}");
        assertEquals(201, started.statusCode(), started.body());
        String ask = "{\"model\":\"pipeline/rel-msg\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        HttpResponse<String> plain = server.post("/v1/messages", ask + "}");
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals("2", plain.headers().firstValue("Braid-Pipeline-Version").orElse(null), plain.headers().map().toString());
        assertEquals("v2", json(plain).at("/content/0/text").asText(), plain.body());
        HttpResponse<String> streamed = server.post("/v1/messages", ask + ",\"stream\":true}");
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertEquals("2", streamed.headers().firstValue("Braid-Pipeline-Version").orElse(null), streamed.headers().map().toString());
        assertTrue(streamed.body().contains("v2"), streamed.body());
        String respond = "{\"model\":\"pipeline/rel-msg\",\"input\":\"hi\",\"store\":false";
        HttpResponse<String> response = server.post("/v1/responses", respond + "}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("2", response.headers().firstValue("Braid-Pipeline-Version").orElse(null), response.headers().map().toString());
        assertEquals("v2", json(response).at("/output/0/content/0/text").asText(), response.body());
        HttpResponse<String> responseStream = server.post("/v1/responses", respond + ",\"stream\":true}");
        assertEquals(200, responseStream.statusCode(), responseStream.body());
        assertEquals("2", responseStream.headers().firstValue("Braid-Pipeline-Version").orElse(null));
        assertTrue(responseStream.body().contains("\"v2\""), responseStream.body());
        assertEquals(200, server.post("/api/pipelines/rel-msg/releases/current/abort", null).statusCode());
        HttpResponse<String> after = server.post("/v1/messages", ask + "}");
        assertEquals("1", after.headers().firstValue("Braid-Pipeline-Version").orElse(null), after.headers().map().toString());
        assertEquals("v1", json(after).at("/content/0/text").asText(), after.body());
    }

    /** Uploads {@code jsonl}, runs it as a batch on {@code endpoint} and returns its output lines by custom_id. */
    Map<String, JsonNode> runBatch(String endpoint, String jsonl) throws Exception {
        String boundary = "b" + System.nanoTime();
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> file = server.send(server.request("/v1/files")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart)));
        assertEquals(200, file.statusCode(), file.body());
        HttpResponse<String> created = server.post("/v1/batches", "{\"input_file_id\":\"" + json(file).get("id").asText()
                + "\",\"endpoint\":\"" + endpoint + "\",\"completion_window\":\"24h\"}");
        assertEquals(200, created.statusCode(), created.body());
        String batch = json(created).get("id").asText();
        JsonNode[] last = new JsonNode[1];
        await("batch " + batch + " completed", 30_000, () -> {
            try {
                last[0] = json(server.get("/v1/batches/" + batch));
                return "completed".equals(last[0].get("status").asText());
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> content = server.get("/v1/files/" + last[0].get("output_file_id").asText() + "/content");
        assertEquals(200, content.statusCode(), content.body());
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : content.body().split("\n")) {
            if (!line.isBlank()) {
                JsonNode node = ReleaseServer.JSON.readTree(line);
                byId.put(node.get("custom_id").asText(), node);
            }
        }
        return byId;
    }

    @Test
    void abortSendsAllTrafficBackAtOnceAndRejectsTheCandidate() throws Exception {
        versions("rel-abort", 2);
        assertEquals(201, startRelease("rel-abort", "{\"candidate\":2,\"steps\":[100],\"stepEvery\":\"1h\"}").statusCode());
        assertEquals(2, json(server.invoke("rel-abort", null)).get("version").asInt(), "weight 100: all on the candidate");
        HttpResponse<String> aborted = server.post("/api/pipelines/rel-abort/releases/current/abort", null);
        assertEquals(200, aborted.statusCode(), aborted.body());
        assertEquals("aborted", json(aborted).get("state").asText());
        assertEquals(0, json(aborted).get("weight").asInt());
        for (int i = 0; i < 20; i++) {
            JsonNode env = json(server.invoke("rel-abort", "u" + i));
            assertEquals(1, env.get("version").asInt(), "all traffic on stable at once");
            assertFalse(env.has("release"));
        }
        assertEquals("rejected", stateOf("rel-abort", 2));
        assertTrue(historyTypes("rel-abort").contains("release_aborted"));
        Http.assertError(server.post("/api/pipelines/rel-abort/releases/current/abort", null), 404, "release_not_found");
    }

    @Test
    void aHealthyCandidateWalksItsStepsAndEndsPromoted() throws Exception {
        versions("rel-walk", 2);
        HttpResponse<String> s = startRelease("rel-walk",
                "{\"candidate\":2,\"steps\":[10,50,100],\"stepEvery\":\"700ms\",\"sticky\":\"none\","
                        + "\"guard\":{\"window\":\"1m\",\"minRequests\":5,\"maxErrorRate\":0.1}}");
        assertEquals(201, s.statusCode(), s.body());
        assertEquals(10, json(s).get("weight").asInt());
        await("the release to end", 20_000, () -> {
            try {
                server.invoke("rel-walk", null);
                return !current("rel-walk").has("id");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode last = json(server.get("/api/pipelines/rel-walk/releases")).get("releases").get(0);
        assertEquals("promoted", last.get("state").asText(), last.toString());
        List<Integer> weights = new ArrayList<>();
        for (JsonNode e : json(server.get("/api/pipelines/rel-walk/history")).get("events")) {
            if (e.get("type").asText().startsWith("release_")) {
                weights.add(e.get("weight").asInt());
            }
        }
        assertEquals(List.of(10, 50, 100, 100), weights, "started at 10, stepped to 50 and 100, promoted");
        assertEquals(2, json(server.get("/api/pipelines/rel-walk")).get("activeVersion").asInt());
        assertEquals("active", stateOf("rel-walk", 2));
        List<String> history = historyTypes("rel-walk");
        assertEquals(2, history.stream().filter("release_step"::equals).count(), history.toString());
        assertTrue(history.contains("release_promoted"), history.toString());
        JsonNode audit = json(server.get("/api/audit?type=release_step,release_promoted,release_started"));
        long mine = 0;
        for (JsonNode e : audit.get("events")) {
            if ("rel-walk".equals(e.get("pipeline").asText())) {
                mine++;
                assertEquals(last.get("id").asText(), e.get("releaseId").asText(), e.toString());
            }
        }
        assertEquals(4, mine, audit.toString());
    }

    @Test
    void aFailingCandidateIsRolledBackByTheGuardUnderLoad() throws Exception {
        String name = "rel-guard";
        assertEquals(201, server.deploy(modelPipeline(name, 1, ""), "").statusCode());
        assertEquals(201, server.deploy(modelPipeline(name, 2, "failWith: 500"), "").statusCode());
        HttpResponse<String> s = startRelease(name, "{\"candidate\":2,\"steps\":[50],\"stepEvery\":\"1h\","
                + "\"sticky\":\"none\",\"guard\":{\"window\":\"1m\",\"minRequests\":20,\"maxErrorRate\":0.1}}");
        assertEquals(201, s.statusCode(), s.body());
        String id = json(s).get("id").asText();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger stableFailures = new AtomicInteger();
        AtomicInteger candidateFailures = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> clients = new ArrayList<>();
        long startedAt = System.currentTimeMillis();
        for (int c = 0; c < 8; c++) {
            clients.add(pool.submit(() -> {
                while (!stop.get()) {
                    HttpResponse<String> r = server.invoke(name, null);
                    calls.incrementAndGet();
                    String v = r.headers().firstValue("Braid-Pipeline-Version").orElse("?");
                    if (r.statusCode() != 200) {
                        (v.equals("2") ? candidateFailures : stableFailures).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        try {
            await("the automatic rollback", 30_000, () -> {
                try {
                    return !current(name).has("id");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            stop.set(true);
            for (Future<?> f : clients) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        long tookMs = System.currentTimeMillis() - startedAt;
        assertEquals(0, stableFailures.get(), "no request on the stable arm failed");
        assertTrue(candidateFailures.get() >= 20, "the candidate failed: " + candidateFailures);
        assertTrue(tookMs < 30_000, "rolled back in " + tookMs + " ms");
        JsonNode r = json(server.get("/api/pipelines/" + name + "/releases")).get("releases").get(0);
        assertEquals(id, r.get("id").asText());
        assertEquals("rolled_back", r.get("state").asText(), r.toString());
        assertEquals("maxErrorRate", r.get("reason").get("limit").asText(), r.toString());
        assertEquals(0, r.get("weight").asInt());
        assertEquals("rejected", stateOf(name, 2));
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> after = server.invoke(name, null);
            assertEquals(200, after.statusCode(), after.body());
            assertEquals(1, json(after).get("version").asInt());
        }
        // one auto_rollback event, in the history and in /api/audit, with both arms' figures
        JsonNode events = json(server.get("/api/audit?type=auto_rollback")).get("events");
        List<JsonNode> mine = new ArrayList<>();
        events.forEach(e -> {
            if (name.equals(e.get("pipeline").asText())) {
                mine.add(e);
            }
        });
        assertEquals(1, mine.size(), events.toString());
        JsonNode e = mine.get(0);
        assertEquals("maxErrorRate", e.get("reason").get("limit").asText(), e.toString());
        assertTrue(e.get("reason").get("candidate").get("requests").asLong() >= 20, e.toString());
        assertTrue(e.get("reason").get("candidate").get("errorRate").asDouble() > 0.1, e.toString());
        assertEquals(0.0, e.get("reason").get("stable").get("errorRate").asDouble(), e.toString());
        assertTrue(e.get("stable").has("p99Ms") && e.get("candidate").has("p99Ms"), e.toString());
        assertEquals(1, historyTypes(name).stream().filter("auto_rollback"::equals).count());
        // the CI scenario: a plain rollback never returns to the rejected candidate
        Http.assertError(server.post("/api/pipelines/" + name + "/rollback", null), 409, "nothing_to_roll_back");
    }
}
