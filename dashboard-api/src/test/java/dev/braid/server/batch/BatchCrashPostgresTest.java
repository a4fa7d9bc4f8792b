package dev.braid.server.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Durability with real processes on PostgreSQL: 5,000 lines on two instances sharing one
 * database; one is killed (SIGKILL, no shutdown) at ~30 % and the other at ~60 %, both restart,
 * and the batch completes with every custom_id exactly once across the output and error files
 * and {@code request_counts} equal to the files' line counts.
 */
class BatchCrashPostgresTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int LINES = 5000;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void killNineTwoInstancesMidBatchRestartEveryCustomIdExactlyOnce() throws Exception {
        Path work = Files.createTempDirectory("braid-batch-crash-");
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        Files.writeString(pipelines.resolve("slow-echo.yaml"), """
                apiVersion: braid/v1
                kind: Pipeline
                name: slow-echo
                input:
                  required: [messages]
                  properties:
                    messages: { type: array }
                steps:
                  - id: reply
                    model:
                      task: chat
                      targets: [{ provider: mock, model: slow, delay: 40ms }]
                      messages: "{{input.messages}}"
                """);
        try (TestDatabase db = TestDatabase.postgres()) {
            Map<String, String> env = new HashMap<>();
            db.properties().forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_').replace('-', '_'), String.valueOf(v)));
            env.put("BRAID_AUTH_ENABLED", "false");
            env.put("BRAID_PIPELINES_SHIPPED", "false");
            env.put("BRAID_PIPELINES_DIR", pipelines.toString());
            env.put("BRAID_BATCH_CONCURRENCY", "8");
            env.put("BRAID_BATCH_MAX_IN_FLIGHT", "16");
            env.put("BRAID_BATCH_LEASE", "3s");
            env.put("BRAID_BATCH_POLL_INTERVAL", "50ms");
            Node a = Node.start("a", work, env).healthy();
            Node b = Node.start("b", work, env).healthy();
            List<Node> all = new ArrayList<>(List.of(a, b));
            try {
                String endpoint = "/v1/pipelines/slow-echo/invoke";
                StringBuilder file = new StringBuilder();
                for (int i = 1; i <= LINES; i++) {
                    file.append("{\"custom_id\":\"k").append(i).append("\",\"method\":\"POST\",\"url\":\"").append(endpoint)
                            .append("\",\"body\":{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"n")
                            .append(i).append("\"}]}}}\n");
                }
                String fileId = JSON.readTree(a.upload(file.toString())).get("id").asText();
                JsonNode batch = JSON.readTree(a.post("/v1/batches", "{\"input_file_id\":\"" + fileId
                        + "\",\"endpoint\":\"" + endpoint + "\",\"completion_window\":\"24h\"}"));
                String id = batch.get("id").asText();
                assertEquals("in_progress", batch.get("status").asText(), batch.toString());

                awaitDone(b, id, LINES * 3 / 10);
                a.kill();
                awaitDone(b, id, LINES * 6 / 10);
                b.kill();
                Node a2 = Node.start("a2", work, env).healthy();
                Node b2 = Node.start("b2", work, env).healthy();
                all.add(a2);
                all.add(b2);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                JsonNode now = JSON.readTree(a2.get("/v1/batches/" + id));
                while (!"completed".equals(now.get("status").asText())) {
                    assertTrue(System.nanoTime() < deadline, "not completed: " + now);
                    Thread.sleep(200);
                    now = JSON.readTree(a2.get("/v1/batches/" + id));
                }
                JsonNode counts = now.get("request_counts");
                assertEquals(LINES, counts.get("total").asInt());
                List<String> output = lines(a2.get("/v1/files/" + now.get("output_file_id").asText() + "/content"));
                List<String> errors = now.get("error_file_id").isNull() ? List.of()
                        : lines(b2.get("/v1/files/" + now.get("error_file_id").asText() + "/content"));
                assertEquals(counts.get("completed").asInt(), output.size());
                assertEquals(counts.get("failed").asInt(), errors.size());
                Set<String> ids = new HashSet<>();
                for (String line : output) {
                    JsonNode l = JSON.readTree(line);
                    assertTrue(ids.add(l.get("custom_id").asText()), "twice: " + l.get("custom_id"));
                    assertEquals("n" + l.get("custom_id").asText().substring(1),
                            l.at("/response/body/output/text").asText());
                }
                for (String line : errors) {
                    assertTrue(ids.add(JSON.readTree(line).get("custom_id").asText()), "twice: " + line);
                }
                assertEquals(LINES, ids.size(), "every custom_id exactly once across output and error files");
                assertEquals(LINES, counts.get("completed").asInt() + counts.get("failed").asInt());
                assertEquals(0, counts.get("failed").asInt(), "nothing failed: " + errors);
            } finally {
                for (Node n : all) {
                    n.kill();
                }
            }
        }
    }

    static void awaitDone(Node node, String id, int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            JsonNode b = JSON.readTree(node.get("/v1/batches/" + id));
            int done = b.at("/request_counts/completed").asInt() + b.at("/request_counts/failed").asInt();
            if (done >= atLeast) {
                assertTrue(done < LINES, "the batch finished before the kill: " + b);
                return;
            }
            assertTrue(System.nanoTime() < deadline, "stuck at " + b);
            Thread.sleep(20);
        }
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    /** One server process. */
    record Node(String name, int port, Process process, Path log) {

        static Node start(String name, Path work, Map<String, String> env) throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = work.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "dev.braid.server.BraidServer")
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(port));
            return new Node(name, port, builder.start(), log);
        }

        Node healthy() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " died:\n" + Files.readString(log));
                }
                try {
                    if (HTTP.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200) {
                        return this;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                Thread.sleep(100);
            }
            throw new AssertionError(name + " not healthy:\n" + Files.readString(log));
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        String get(String path) throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            return r.body();
        }

        String post(String path, String json) throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            return r.body();
        }

        String upload(String content) throws Exception {
            String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
            String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n"
                    + content + "\r\n--" + boundary + "--\r\n";
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/v1/files")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing released
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
