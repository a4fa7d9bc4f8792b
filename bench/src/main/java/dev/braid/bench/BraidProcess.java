package dev.braid.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server under test: the shaded {@code braid-server.jar} as a child JVM in a temp directory (its
 * H2 database lands in {@code ./data} there), on a free loopback port. Knows its pid, so the suite
 * can read its RSS and CPU time from /proc.
 */
final class BraidProcess implements AutoCloseable {

    static final String ADMIN_KEY = "bench-admin-key";

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;
    private final long launchedNanos;
    private final List<String> jvmFlags;

    private BraidProcess(Process process, int port, Path dir, Path log, long launchedNanos, List<String> jvmFlags) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
        this.launchedNanos = launchedNanos;
        this.jvmFlags = jvmFlags;
    }

    /**
     * {@code -Dbraid.server.jar}, else {@code dashboard-api/target/braid-server.jar} found from the working
     * directory upwards; empty when neither exists (then the server runs from this JVM's classpath, which
     * holds braid-server: so {@code ./mvnw test}, which builds no jar, still runs the smoke).
     */
    static java.util.Optional<Path> jar() {
        String explicit = System.getProperty("braid.server.jar");
        if (explicit != null) {
            return java.util.Optional.of(Path.of(explicit));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("dashboard-api/target/braid-server.jar");
            if (Files.isRegularFile(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    static BraidProcess start(List<String> jvmFlags, Map<String, String> env, Path logDir) throws IOException {
        Path dir = Files.createTempDirectory("braid-bench-");
        int port = freePort();
        Files.createDirectories(logDir);
        Path log = logDir.resolve("braid-" + port + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        java.util.Optional<Path> jar = jar();
        if (jar.isPresent()) {
            command.add("-jar");
            command.add(jar.get().toString());
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.braid.server.BraidServer"));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        builder.environment().put("BRAID_ADMIN_KEY", ADMIN_KEY);
        builder.environment().putAll(env);
        long launched = System.nanoTime();
        return new BraidProcess(builder.start(), port, dir, log, launched, List.copyOf(jvmFlags));
    }

    /**
     * Polls {@code POST /v1/pipelines/echo/invoke} every 10 ms until it answers 200 and returns the time
     * from launch to that answer: cold start as a caller sees it.
     */
    Duration awaitFirstInvoke(Duration limit) throws InterruptedException {
        byte[] request = HttpConn.request("POST", "127.0.0.1", port, "/v1/pipelines/echo/invoke", "application/json",
                "{\"input\":{\"text\":\"cold\"}}", ADMIN_KEY);
        long deadline = launchedNanos + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("braid exited with " + process.exitValue() + ":\n" + tail());
            }
            try (HttpConn conn = new HttpConn("127.0.0.1", port)) {
                if (conn.exchange(request, false).status() == 200) {
                    return Duration.ofNanos(System.nanoTime() - launchedNanos);
                }
            } catch (IOException | RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("braid did not answer within " + limit + ":\n" + tail());
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    List<String> jvmFlags() {
        return jvmFlags;
    }

    /** Resident set size in KiB (VmRSS of /proc/<pid>/status). */
    long rssKb() {
        return statusField("VmRSS:");
    }

    /** Peak resident set size in KiB (VmHWM). */
    long peakRssKb() {
        return statusField("VmHWM:");
    }

    private long statusField(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** User + system CPU time in clock ticks (utime + stime, fields 14 and 15 of /proc/<pid>/stat). */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
