package dev.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real server processes on one PostgreSQL database: an activation on one is served by the other
 * within a second, both ways. The periodic reconcile is set to a minute here, so what is measured
 * is PostgreSQL LISTEN/NOTIFY, not the safety net.
 */
class MultiInstanceTest {

    static final Duration CONVERGENCE = Duration.ofSeconds(1);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    void anActivationOnOneInstanceIsServedByTheOtherWithinASecond() throws Exception {
        try (Postgres db = Postgres.freshDatabase("multi")) {
            Map<String, String> env = new HashMap<>(db.serverEnvironment());
            env.put("BRAID_REGISTRY_RECONCILE_INTERVAL", "60s");
            Files.createDirectories(work.resolve("a"));
            Files.createDirectories(work.resolve("b"));
            // both start at once, so both deploy the shipped pipelines into one database at the same time
            try (ServerProcess a = ServerProcess.start("multi-a", work.resolve("a"), env);
                    ServerProcess b = ServerProcess.start("multi-b", work.resolve("b"), env)) {
                CompletableFuture<Void> healthyB = CompletableFuture.runAsync(() -> healthy(b));
                a.awaitHealthy(Duration.ofSeconds(90));
                healthyB.join();

                Path v1 = Files.writeString(work.resolve("v1.yaml"), CliAgainstRealServerTest.pipeline("converge", "{\"v\": 1}"));
                Path v2 = Files.writeString(work.resolve("v2.yaml"), CliAgainstRealServerTest.pipeline("converge", "{\"v\": 2}"));
                assertEquals(0, cli(a, "deploy", v1.toString()).exit());
                long created = System.nanoTime();
                long first = (awaitServed(b, 1, CONVERGENCE) - created) / 1_000_000;

                CliRun deploy = cli(a, "deploy", v2.toString(), "--activate", "-m", "v2 on A");
                assertEquals(0, deploy.exit(), deploy::toString);
                long deployed = System.nanoTime();
                long toB = awaitServed(b, 2, CONVERGENCE) - deployed;

                CliRun rollback = cli(b, "rollback", "converge");
                assertEquals(0, rollback.exit(), rollback::toString);
                long rolledBack = System.nanoTime();
                long toA = awaitServed(a, 1, CONVERGENCE) - rolledBack;

                assertEquals(1, activeVersion(a), "A's admin view agrees");
                assertEquals(1, activeVersion(b), "B's admin view agrees");
                System.out.printf("convergence: a new pipeline deployed on A served by B after %d ms; "
                                + "v2 activated on A served by B after %d ms; rollback on B served by A after %d ms%n",
                        first, toB / 1_000_000, toA / 1_000_000);
                assertTrue(toB < CONVERGENCE.toNanos() && toA < CONVERGENCE.toNanos());
            }
        }
    }

    private static void healthy(ServerProcess server) {
        try {
            server.awaitHealthy(Duration.ofSeconds(90));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static CliRun cli(ServerProcess server, String... args) {
        return CliRun.braid(Map.of("BRAID_SERVER", server.url().toString()), args);
    }

    /**
     * Invokes {@code converge} on {@code server} until it answers with {@code version}; returns the
     * System.nanoTime of that answer, or fails once {@code limit} has passed.
     */
    static long awaitServed(ServerProcess server, int version, Duration limit) throws Exception {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        String last = "";
        do {
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(server.url().resolve("/v1/pipelines/converge/invoke")).header("Authorization", "Bearer " + ServerProcess.ADMIN_KEY)
                            .timeout(Duration.ofSeconds(2))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long now = System.nanoTime();
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200) {
                JsonNode envelope = MAPPER.readTree(answer.body());
                assertEquals(envelope.path("version").asInt(), envelope.path("output").path("v").asInt(),
                        "the envelope's version is the one that ran");
                if (envelope.path("version").asInt() == version) {
                    return now;
                }
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(server.name() + " did not serve v" + version + " within " + limit.toMillis()
                + " ms; last answer: " + last + "\n" + server.tail());
    }

    static int activeVersion(ServerProcess server) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(server.url().resolve("/api/pipelines/converge")).header("Authorization", "Bearer " + ServerProcess.ADMIN_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return MAPPER.readTree(answer.body()).path("activeVersion").asInt();
    }
}
