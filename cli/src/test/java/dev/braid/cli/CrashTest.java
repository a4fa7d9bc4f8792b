package dev.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of deploys and activations, several times at random moments, then a fresh
 * process on the same database must start cleanly and find a consistent registry: exactly one active
 * version per pipeline, version numbers without gaps, every version's sha256 matching its YAML, every
 * deploy that was answered before the kill still there, and every pipeline invocable at its active
 * version. On an H2 file database and on PostgreSQL.
 */
class CrashTest {

    /** Kills per database; each costs one server start (2-5 s). A deeper run: -Dbraid.crash.rounds=10. */
    static final int ROUNDS = Integer.getInteger("braid.crash.rounds", 4);
    /** The crash phase of one database stops early (after at least two rounds) past this. */
    static final Duration BUDGET = Duration.ofSeconds(Integer.getInteger("braid.crash.budget-seconds", 20));
    static final List<String> DEPLOYED = List.of("crash-a", "crash-b");
    static final String SWITCHED = "crash-c";
    static final String WARM = "crash-warm";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void h2FileDatabaseSurvivesKillsMidChange(@TempDir Path work) throws Exception {
        crashAndRecover("crash-h2", work, Map.of());
    }

    @Test
    void postgresSurvivesKillsMidChange(@TempDir Path work) throws Exception {
        try (Postgres db = Postgres.freshDatabase("crash")) {
            crashAndRecover("crash-pg", work, db.serverEnvironment());
        }
    }

    /** An answered change: the sha256 it stored under a pipeline. */
    record Acknowledged(String name, int round, String sha256) {}

    void crashAndRecover(String label, Path work, Map<String, String> database) throws Exception {
        Map<String, String> env = new HashMap<>(database);
        env.put("BRAID_PIPELINES_SHIPPED", "false");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Acknowledged> acknowledged = new ArrayList<>();

        // round 0, no kill: every pipeline exists, crash-c has two versions to switch between
        try (ServerProcess server = ServerProcess.start(label + "-0", work, env)) {
            server.awaitHealthy(Duration.ofSeconds(90));
            for (String name : DEPLOYED) {
                assertEquals(201, deploy(server, name, 0).join().statusCode());
                acknowledged.add(new Acknowledged(name, 0, sha256(yaml(name, 0))));
            }
            assertEquals(201, deploy(server, SWITCHED, 1).join().statusCode());
            assertEquals(201, deploy(server, SWITCHED, 2).join().statusCode());
        }

        long start = System.nanoTime();
        int rounds = 0;
        int cutShort = 0;
        StringBuilder story = new StringBuilder();
        for (int round = 1; round <= ROUNDS; round++) {
            if (rounds >= 2 && System.nanoTime() - start > BUDGET.toNanos()) {
                break;
            }
            try (ServerProcess server = ServerProcess.start(label + "-" + round, work, env)) {
                server.awaitHealthy(Duration.ofSeconds(90));
                // a first deploy in a fresh JVM loads Camel's YAML DSL (~0.5 s): warm it up, so that the
                // kill's window spans a whole change (compile, load, commit, swap), not only that
                long warmStart = System.nanoTime();
                assertEquals(201, deploy(server, WARM, round).join().statusCode());
                acknowledged.add(new Acknowledged(WARM, round, sha256(yaml(WARM, round))));
                long warm = (System.nanoTime() - warmStart) / 1_000_000;
                Map<String, CompletableFuture<HttpResponse<String>>> inFlight = new LinkedHashMap<>();
                for (String name : DEPLOYED) {
                    inFlight.put(name, deploy(server, name, round));
                }
                inFlight.put(SWITCHED, activate(server, SWITCHED, round % 2 == 1 ? 1 : 2));
                // 0-50 ms, or up to 1.5 warm deploys on a slow machine: before, during and after the commit
                int delay = random.nextInt((int) Math.max(50, warm * 3 / 2) + 1);
                Thread.sleep(delay);
                server.kill();
                story.append("round ").append(round).append(" (a warm deploy took ").append(warm)
                        .append(" ms) killed after ").append(delay).append(" ms:");
                for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> call : inFlight.entrySet()) {
                    String outcome;
                    try {
                        HttpResponse<String> answer = call.getValue().get(5, TimeUnit.SECONDS);
                        outcome = Integer.toString(answer.statusCode());
                        if (answer.statusCode() / 100 == 2 && !call.getKey().equals(SWITCHED)) {
                            acknowledged.add(new Acknowledged(call.getKey(), round, sha256(yaml(call.getKey(), round))));
                        }
                    } catch (java.util.concurrent.ExecutionException cut) {
                        outcome = "cut";
                        cutShort++;
                    }
                    story.append(' ').append(call.getKey()).append('=').append(outcome);
                }
                story.append('\n');
            }
            rounds++;
        }

        try (ServerProcess fresh = ServerProcess.start(label + "-fresh", work, env)) {
            fresh.awaitHealthy(Duration.ofSeconds(90));
            List<String> kept = new ArrayList<>();
            for (String name : List.of("crash-a", "crash-b", "crash-c", WARM)) {
                kept.addAll(checkConsistent(fresh, name, acknowledged));
            }
            // which cut deploys had committed before the kill (their answer lost, their version kept)
            int committedUnanswered = 0;
            for (int round = 1; round <= rounds; round++) {
                for (String name : DEPLOYED) {
                    String sha = sha256(yaml(name, round));
                    if (kept.contains(sha) && acknowledged.stream().noneMatch(a -> a.sha256().equals(sha))) {
                        committedUnanswered++;
                    }
                }
            }
            story.append(committedUnanswered).append(" cut deploys had committed before the kill (kept), ")
                    .append(rounds * DEPLOYED.size() - committedUnanswered - (int) acknowledged.stream()
                            .filter(a -> a.round() > 0 && DEPLOYED.contains(a.name()))
                            .count())
                    .append(" had not (gone without a trace)\n");
            String log = Files.readString(Path.of("target", "servers", label + "-fresh.log"), StandardCharsets.UTF_8);
            assertTrue(log.lines().noneMatch(l -> l.contains(" ERROR ")), "the fresh start logged errors:\n" + log);
        }
        System.out.printf("%s: seed %d, %d rounds, %d of %d calls cut by the kill, %d answered deploys all kept%n%s",
                label, seed, rounds, cutShort, rounds * 3, acknowledged.size(), story);
    }

    /**
     * One active version, contiguous numbers, sha256 = sha256(yaml), answered deploys kept, invocable
     * at the active version. Returns the sha256 of every stored version.
     */
    private List<String> checkConsistent(ServerProcess server, String name, List<Acknowledged> acknowledged) throws Exception {
        JsonNode versions = get(server, "/api/pipelines/" + name + "/versions").path("versions");
        assertTrue(versions.size() >= 1, name + " has versions");
        int active = 0;
        int activeCount = 0;
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            int number = v.path("version").asInt();
            assertEquals(i + 1, number, name + ": version numbers run 1..n without gaps: " + versions);
            if (v.path("active").asBoolean()) {
                active = number;
                activeCount++;
            }
            JsonNode full = get(server, "/api/pipelines/" + name + "/versions/" + number);
            String yaml = full.path("yaml").asText();
            assertEquals(sha256(yaml), full.path("sha256").asText(), name + " v" + number + ": sha256 matches its YAML");
            stored.add(full.path("sha256").asText());
        }
        assertEquals(1, activeCount, name + ": exactly one active version: " + versions);
        assertEquals(active, get(server, "/api/pipelines/" + name).path("activeVersion").asInt(), name + "'s pointer");
        for (Acknowledged ack : acknowledged) {
            if (ack.name().equals(name)) {
                assertTrue(stored.contains(ack.sha256()), name + ": the deploy answered in round " + ack.round() + " is kept");
            }
        }
        HttpResponse<String> invoked = HTTP.send(
                HttpRequest.newBuilder(server.url().resolve("/v1/pipelines/" + name + "/invoke")).header("Authorization", "Bearer " + ServerProcess.ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, invoked.statusCode(), name + ": " + invoked.body());
        JsonNode envelope = MAPPER.readTree(invoked.body());
        assertEquals(active, envelope.path("version").asInt(), name + " runs its active version");
        String activeYaml = get(server, "/api/pipelines/" + name + "/versions/" + active).path("yaml").asText();
        assertEquals(yaml(name, envelope.path("output").path("round").asInt()), activeYaml,
                name + ": the output is the active version's");
        return stored;
    }

    static String yaml(String name, int round) {
        return CliAgainstRealServerTest.pipeline(name, "{\"round\": " + round + "}");
    }

    private static CompletableFuture<HttpResponse<String>> deploy(ServerProcess server, String name, int round) {
        return HTTP.sendAsync(
                HttpRequest.newBuilder(server.url().resolve("/api/pipelines?activate=true")).header("Authorization", "Bearer " + ServerProcess.ADMIN_KEY)
                        .header("Content-Type", "application/yaml")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(yaml(name, round)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> activate(ServerProcess server, String name, int version) {
        return HTTP.sendAsync(
                HttpRequest.newBuilder(server.url().resolve("/api/pipelines/" + name + "/versions/" + version + "/activate")).header("Authorization", "Bearer " + ServerProcess.ADMIN_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(ServerProcess server, String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(server.url().resolve(path)).header("Authorization", "Bearer " + ServerProcess.ADMIN_KEY).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), path + ": " + answer.body());
        return MAPPER.readTree(answer.body());
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
