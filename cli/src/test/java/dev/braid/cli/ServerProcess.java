package dev.braid.cli;

import java.io.IOException;
import java.net.InetAddress;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Braid server as a child JVM ({@code dev.braid.server.BraidServer} on this test's own
 * classpath, which holds braid-server and everything it needs), so a test can run several of them on
 * one database and kill one with SIGKILL. Output goes to {@code target/servers/<name>.log}.
 */
final class ServerProcess implements AutoCloseable {

    static final Path LOGS = Path.of("target", "servers");
    /** Every test server's admin key (BRAID_ADMIN_KEY); CliRun sends it as BRAID_KEY. */
    static final String ADMIN_KEY = "bk_live_CliTestAdminKey000000000000000000000000";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts a server in {@code workDir} (where an H2 default database's ./data lands) with extra environment. */
    static ServerProcess start(String name, Path workDir, Map<String, String> env) throws IOException {
        Files.createDirectories(LOGS);
        int port = freePort();
        Path log = LOGS.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1", // a short-lived test server: start fast rather than peak
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.braid.server.BraidServer"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        builder.environment().put("BRAID_ADMIN_KEY", ADMIN_KEY);
        builder.environment().putAll(env);
        Files.writeString(log, "=== " + name + " on port " + port + " in " + workDir + "\n");
        return new ServerProcess(name, port, builder.start(), log);
    }

    /** Waits, bounded, for {@code /health} to answer 200; a dead or slow process fails with its log's tail. */
    ServerProcess awaitHealthy(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was healthy:\n" + tail());
            }
            try {
                HttpResponse<String> health = HTTP.send(
                        HttpRequest.newBuilder(url().resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " was not healthy within " + limit + ":\n" + tail());
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    String name() {
        return name;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL on Linux: no shutdown hook, no finally, no flushed buffer, as a crash would be. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL for 10 s");
        }
    }

    /** The last lines of the process's output, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
