package dev.braid.server.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchError;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Files and Batch APIs through the official OpenAI Java SDK, unmodified, against a started
 * server on a real database (H2 and PostgreSQL subclasses): upload, create, poll, read the output
 * and error files; bad files, cancel, expiry, limits and who may see what.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BatchApiContract {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "bk_live_TestAdminKey0000000000000000000000000000";

    abstract TestDatabase.Kind kind();

    /** Settings of the mode under test (the broker). */
    Map<String, Object> mode() {
        return Map.of();
    }

    TestDatabase db;
    EmbeddedServer server;
    URI base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String alice;
    String bob;

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create(kind());
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.batch.poll-interval", "50ms");
        p.put("braid.batch.concurrency", 8);
        p.put("braid.files.max-lines", 1500);
        p.put("braid.files.max-bytes", "2MB");
        p.put("braid.models.aliases.batch-slow.targets", List.of(Map.of("provider", "mock", "model", "slow", "delay", "150ms")));
        p.putAll(mode());
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        base = URI.create(server.getURL().toString());
        alice = createKey("{\"name\":\"alice\",\"role\":\"invoker\"}");
        bob = createKey("{\"name\":\"bob\",\"role\":\"invoker\"}");
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

    String createKey(String body) throws Exception {
        var r = send("POST", "/api/keys", ADMIN, "application/json", body);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("key").asText();
    }

    java.net.http.HttpResponse<String> send(String method, String path, String key, String type, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        if (type != null) {
            r.header("Content-Type", type);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(server.getURL() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    static String lines(int n, IntFunction<String> line) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(line.apply(i)).append('\n');
        }
        return b.toString();
    }

    static String chatLine(String id, String model, String text) {
        return "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}}";
    }

    FileObject upload(OpenAIClient client, String content) {
        return client.files().create(FileCreateParams.builder()
                .file(content.getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.BATCH).build());
    }

    Batch create(OpenAIClient client, String fileId, String endpoint, String window) {
        return client.batches().create(BatchCreateParams.builder().inputFileId(fileId)
                .endpoint(BatchCreateParams.Endpoint.of(endpoint))
                .completionWindow(BatchCreateParams.CompletionWindow.of(window)).build());
    }

    Batch await(OpenAIClient client, String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Batch b = client.batches().retrieve(id);
        while (!Set.of("completed", "failed", "cancelled", "expired").contains(b.status().asString())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("batch " + id + " still " + b.status() + " " + b.requestCounts());
            }
            Thread.sleep(100);
            b = client.batches().retrieve(id);
        }
        return b;
    }

    static List<JsonNode> content(OpenAIClient client, String fileId) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (HttpResponse r = client.files().content(fileId); InputStream in = r.body()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    @Test
    void aThousandChatLinesCompleteEachCustomIdOnceAndAnUnknownModelLandsInTheErrorFile() throws Exception {
        OpenAIClient client = sdk(alice);
        String file = lines(1000, i -> chatLine("req-" + i, i == 500 ? "nobody/nothing" : "mock/any", "line " + i));
        FileObject uploaded = upload(client, file);
        assertTrue(uploaded.id().startsWith("file-"), uploaded.id());
        assertEquals(file.getBytes(StandardCharsets.UTF_8).length, uploaded.bytes());
        Batch created = create(client, uploaded.id(), "/v1/chat/completions", "24h");
        assertTrue(created.id().startsWith("batch_"), created.id());
        assertTrue(Set.of("validating", "in_progress").contains(created.status().asString()), created.status().asString());
        assertEquals(1000, created.requestCounts().orElseThrow().total());

        Batch done = await(client, created.id(), Duration.ofSeconds(120));
        assertEquals("completed", done.status().asString());
        assertEquals(1000, done.requestCounts().orElseThrow().total());
        assertEquals(999, done.requestCounts().orElseThrow().completed());
        assertEquals(1, done.requestCounts().orElseThrow().failed());
        assertTrue(done.completedAt().isPresent() && done.inProgressAt().isPresent() && done.finalizingAt().isPresent());
        assertTrue(done.createdAt() > 1_700_000_000L && done.createdAt() < 10_000_000_000L, "Unix seconds");

        List<JsonNode> output = content(client, done.outputFileId().orElseThrow());
        List<JsonNode> errors = content(client, done.errorFileId().orElseThrow());
        assertEquals(999, output.size());
        assertEquals(1, errors.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode line : output) {
            assertTrue(seen.add(line.get("custom_id").asText()), "once: " + line.get("custom_id"));
            assertTrue(line.get("id").asText().startsWith("batch_req_"));
            assertTrue(line.get("error").isNull());
            assertEquals(200, line.at("/response/status_code").asInt());
            String n = line.get("custom_id").asText().substring(4);
            assertEquals("line " + n, line.at("/response/body/choices/0/message/content").asText());
            assertEquals("chat.completion", line.at("/response/body/object").asText());
            assertFalse(line.at("/response/request_id").asText().isEmpty());
        }
        JsonNode failed = errors.get(0);
        assertTrue(seen.add(failed.get("custom_id").asText()));
        assertEquals(1000, seen.size(), "every custom_id exactly once across output and error files");
        assertEquals("req-500", failed.get("custom_id").asText());
        // the body a live call gets
        var live = send("POST", "/v1/chat/completions", alice, "application/json",
                JSON.readTree(chatLine("x", "nobody/nothing", "line 500")).get("body").toString());
        assertEquals(live.statusCode(), failed.at("/response/status_code").asInt());
        assertEquals(JSON.readTree(live.body()), failed.at("/response/body"));
        assertEquals("model_not_found", failed.at("/response/body/error/code").asText());

        // every line that ran has its usage row, source batch, under alice's key (written within ~1 s)
        long rows = 0;
        for (int i = 0; i < 50 && rows < 999; i++) {
            Thread.sleep(100);
            try (var c = db.connect(); var s = c.createStatement();
                    var rs = s.executeQuery("SELECT COUNT(*) FROM usage_records WHERE source = 'batch' AND kind = 'request' "
                            + "AND request_id LIKE 'breq_" + done.id().substring(6) + "%' AND key_id IS NOT NULL")) {
                rs.next();
                rows = rs.getLong(1);
            }
        }
        assertEquals(999, rows, "one usage row per line that ran; the unknown model, as live, is refused before any call");
    }

    @Test
    void embeddingsAndAPipelineEndpointRunToo() throws Exception {
        OpenAIClient client = sdk(alice);
        String emb = lines(20, i -> "{\"custom_id\":\"e" + i + "\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"mock/any\",\"input\":\"text " + i + "\"}}");
        Batch e = await(client, create(client, upload(client, emb).id(), "/v1/embeddings", "24h").id(), Duration.ofSeconds(60));
        assertEquals("completed", e.status().asString());
        List<JsonNode> vectors = content(client, e.outputFileId().orElseThrow());
        assertEquals(20, vectors.size());
        assertEquals(16, vectors.get(0).at("/response/body/data/0/embedding").size());

        String endpoint = "/v1/pipelines/chat-echo/invoke";
        String pipe = lines(30, i -> "{\"custom_id\":\"p" + i + "\",\"method\":\"POST\",\"url\":\"" + endpoint + "\","
                + "\"body\":{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"echo " + i + "\"}]}}}");
        Batch p = await(client, create(client, upload(client, pipe).id(), endpoint, "24h").id(), Duration.ofSeconds(60));
        assertEquals("completed", p.status().asString());
        List<JsonNode> envelopes = content(client, p.outputFileId().orElseThrow());
        assertEquals(30, envelopes.size());
        for (JsonNode line : envelopes) {
            String n = line.get("custom_id").asText().substring(1);
            assertEquals("echo " + n, line.at("/response/body/output/text").asText(), line.toString());
            assertEquals("chat-echo", line.at("/response/body/pipeline").asText());
        }
    }

    @Test
    void aBadFileFailsWithEveryBadLineNumberedAndRunsNothing() throws Exception {
        OpenAIClient client = sdk(alice);
        String good = chatLine("a", "mock/any", "fine");
        String file = good + "\n"
                + "{not json\n"
                + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}\n"
                + chatLine("a", "mock/any", "again") + "\n"
                + "{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":[1]}\n"
                + "\n"
                + "[\"not an object\"]\n";
        Batch b = create(client, upload(client, file).id(), "/v1/chat/completions", "24h");
        assertEquals("failed", b.status().asString());
        assertTrue(b.failedAt().isPresent());
        List<BatchError> errors = b.errors().orElseThrow().data().orElseThrow();
        List<Long> lines = errors.stream().map(e -> e.line().orElseThrow()).toList();
        assertEquals(List.of(2L, 3L, 4L, 5L, 7L), lines, errors.toString());
        assertEquals(List.of("invalid_json", "invalid_url", "duplicate_custom_id", "invalid_body", "invalid_request"),
                errors.stream().map(e -> e.code().orElseThrow()).toList());
        Batch again = client.batches().retrieve(b.id());
        assertEquals("failed", again.status().asString());
        assertEquals(0, again.requestCounts().orElseThrow().completed());
        assertTrue(again.outputFileId().isEmpty());
    }

    @Test
    void anotherKeySeesNoneOfTheFirstKeysFilesOrBatches() throws Exception {
        OpenAIClient client = sdk(alice);
        FileObject file = upload(client, chatLine("only", "mock/any", "mine") + "\n");
        Batch b = await(client, create(client, file.id(), "/v1/chat/completions", "24h").id(), Duration.ofSeconds(60));
        for (String path : List.of("/v1/files/" + file.id(), "/v1/files/" + file.id() + "/content",
                "/v1/batches/" + b.id(), "/v1/files/" + b.outputFileId().orElseThrow() + "/content")) {
            var r = send("GET", path, bob, null, null);
            assertEquals(404, r.statusCode(), path + " " + r.body());
        }
        assertEquals(404, send("POST", "/v1/batches/" + b.id() + "/cancel", bob, null, null).statusCode());
        assertEquals(404, send("DELETE", "/v1/files/" + file.id(), bob, null, null).statusCode());
        var create = send("POST", "/v1/batches", bob, "application/json",
                "{\"input_file_id\":\"" + file.id() + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertEquals(404, create.statusCode(), create.body());
        assertEquals("file_not_found", JSON.readTree(create.body()).at("/error/code").asText());
        var bobsList = send("GET", "/v1/batches", bob, null, null);
        assertEquals(200, bobsList.statusCode(), bobsList.body());
        JsonNode bobs = JSON.readTree(bobsList.body());
        assertEquals(0, bobs.get("data").size());
        var bobFileList = send("GET", "/v1/files", bob, null, null);
        assertEquals(200, bobFileList.statusCode(), bobFileList.body());
        JsonNode bobFiles = JSON.readTree(bobFileList.body());
        assertEquals(0, bobFiles.get("data").size());
        // the admin sees it; alice sees her own, newest first
        assertEquals(200, send("GET", "/v1/batches/" + b.id(), ADMIN, null, null).statusCode());
        JsonNode mine = JSON.readTree(send("GET", "/v1/batches?limit=1", alice, null, null).body());
        assertEquals(b.id(), mine.at("/data/0/id").asText());
        assertTrue(mine.get("has_more").asBoolean());
        JsonNode next = JSON.readTree(send("GET", "/v1/batches?limit=100&after=" + b.id(), alice, null, null).body());
        for (JsonNode older : next.get("data")) {
            assertTrue(older.get("created_at").asLong() <= b.createdAt());
            assertFalse(older.get("id").asText().equals(b.id()));
        }
    }

    @Test
    void cancelStopsNewLinesKeepsFinishedOnesAndEndsCancelled() throws Exception {
        OpenAIClient client = sdk(alice);
        String file = lines(400, i -> chatLine("c" + i, "batch-slow", "slow " + i));
        Batch b = create(client, upload(client, file).id(), "/v1/chat/completions", "24h");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (client.batches().retrieve(b.id()).requestCounts().orElseThrow().completed() < 10) {
            assertTrue(System.nanoTime() < deadline, "lines start");
            Thread.sleep(50);
        }
        Batch cancelling = client.batches().cancel(b.id());
        assertTrue(Set.of("cancelling", "cancelled").contains(cancelling.status().asString()), cancelling.status().asString());
        assertTrue(cancelling.cancellingAt().isPresent());
        Batch ended = await(client, b.id(), Duration.ofSeconds(30));
        assertEquals("cancelled", ended.status().asString());
        assertTrue(ended.cancelledAt().isPresent());
        long completed = ended.requestCounts().orElseThrow().completed();
        assertEquals(400, ended.requestCounts().orElseThrow().total(), "total stays the file's line count");
        assertTrue(completed >= 10 && completed < 400, "completed " + completed);
        List<JsonNode> output = content(client, ended.outputFileId().orElseThrow());
        assertEquals(completed, output.size());
        assertEquals(output.size(), output.stream().map(l -> l.get("custom_id").asText()).distinct().count());
        Thread.sleep(500);
        assertEquals(completed, client.batches().retrieve(b.id()).requestCounts().orElseThrow().completed(),
                "no line starts after cancelled");
        var again = send("POST", "/v1/batches/" + b.id() + "/cancel", alice, null, null);
        assertEquals(200, again.statusCode(), "cancelling a cancelled batch is a no-op: " + again.body());
    }

    @Test
    void aBatchPastItsCompletionWindowEndsExpiredWithItsFinishedLines() throws Exception {
        OpenAIClient client = sdk(alice);
        String file = lines(400, i -> chatLine("x" + i, "batch-slow", "late " + i));
        Batch b = create(client, upload(client, file).id(), "/v1/chat/completions", "2s");
        assertEquals(b.createdAt() + 2, b.expiresAt().orElseThrow());
        Batch ended = await(client, b.id(), Duration.ofSeconds(30));
        assertEquals("expired", ended.status().asString());
        assertTrue(ended.expiredAt().isPresent());
        long completed = ended.requestCounts().orElseThrow().completed();
        assertTrue(completed > 0 && completed < 400, "completed " + completed);
        assertEquals(completed, content(client, ended.outputFileId().orElseThrow()).size());
    }

    @Test
    void uploadLimitsAndBadRequestsAnswerInOpenAisShape() throws Exception {
        // lines over the limit: 400 too_many_lines
        var tooMany = multipart(alice, "batch", lines(1501, i -> "{}"));
        assertEquals(400, tooMany.statusCode(), tooMany.body());
        assertEquals("too_many_lines", JSON.readTree(tooMany.body()).at("/error/code").asText());
        // bytes over the limit (2 MB here): 413 file_too_large
        String big = "x".repeat(2_000) + "\n";
        var tooBig = multipart(alice, "batch", big.repeat(1250));
        assertEquals(413, tooBig.statusCode(), tooBig.body());
        assertEquals("file_too_large", JSON.readTree(tooBig.body()).at("/error/code").asText(), tooBig.body());
        var purpose = multipart(alice, "fine-tune", "{}\n");
        assertEquals(400, purpose.statusCode(), purpose.body());
        assertEquals("purpose", JSON.readTree(purpose.body()).at("/error/param").asText());
        // the batch's own body
        var badEndpoint = send("POST", "/v1/batches", alice, "application/json",
                "{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/completions\",\"completion_window\":\"24h\"}");
        assertEquals(400, badEndpoint.statusCode());
        assertEquals("endpoint", JSON.readTree(badEndpoint.body()).at("/error/param").asText());
        var badJson = send("POST", "/v1/batches", alice, "application/json", "{\"input_file_id\":");
        assertEquals(400, badJson.statusCode());
        assertEquals("invalid_json", JSON.readTree(badJson.body()).at("/error/code").asText());
        var nul = send("POST", "/v1/batches", alice, "application/json",
                "{\"input_file_id\":\"file-\\u0000\",\"endpoint\":\"/v1/chat/completions\"}");
        assertEquals(404, nul.statusCode(), nul.body());
        var window = send("POST", "/v1/batches", alice, "application/json",
                "{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"forever\"}");
        assertEquals(400, window.statusCode());
        assertEquals(404, send("GET", "/v1/batches/batch_nope", alice, null, null).statusCode());
        // a file with bad UTF-8 is stored as bytes; the batch over it fails at that line
        java.net.http.HttpResponse<String> latin = multipartBytes(alice, "batch",
                (chatLine("u1", "mock/any", "ok") + "\n").getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, '\n'});
        assertEquals(200, latin.statusCode(), latin.body());
        String id = JSON.readTree(latin.body()).get("id").asText();
        var failed = send("POST", "/v1/batches", alice, "application/json",
                "{\"input_file_id\":\"" + id + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        JsonNode batch = JSON.readTree(failed.body());
        assertEquals("failed", batch.get("status").asText(), failed.body());
        assertEquals(2, batch.at("/errors/data/0/line").asInt());
        assertEquals("invalid_encoding", batch.at("/errors/data/0/code").asText());
    }

    java.net.http.HttpResponse<String> multipart(String key, String purpose, String content) throws Exception {
        return multipartBytes(key, purpose, content.getBytes(StandardCharsets.UTF_8));
    }

    java.net.http.HttpResponse<String> multipartBytes(String key, String purpose, byte[]... parts) throws Exception {
        String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        for (byte[] part : parts) {
            body.write(part);
        }
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest r = HttpRequest.newBuilder(base.resolve("/v1/files")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return http.send(r, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static void assertPresent(Object o) {
        assertNotNull(o);
    }
}
