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
 * can read its RSS and CPU time from /proc. Started either as {@code java [flags] -jar braid-server.jar}
 * or through {@code bin/braid-server} (when the repository has it), optionally pinned to some cores with
 * {@code taskset}.
 */
final class BraidProcess implements AutoCloseable, Measured {

    static final String ADMIN_KEY = "bench-admin-key";

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;
    private final long launchedNanos;
    private final List<String> jvmFlags;
    private final boolean keepDir;
    private long workerPid;

    private BraidProcess(Process process, int port, Path dir, Path log, long launchedNanos, List<String> jvmFlags, boolean keepDir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
        this.launchedNanos = launchedNanos;
        this.jvmFlags = jvmFlags;
        this.keepDir = keepDir;
    }

    /** How the server is started: the ways the README starts it. */
    sealed interface Launch {
        /** {@code java <flags> -jar dashboard-api/target/braid-server.jar}. */
        record Jar(List<String> jvmFlags) implements Launch {
        }

        /** The repository's launcher script ({@code bin/braid-server}), which picks its own JVM flags. */
        record Script(Path script) implements Launch {
        }

        default String describe() {
            if (this instanceof Jar j) {
                return ("java " + String.join(" ", j.jvmFlags()) + " -jar braid-server.jar").replace("  ", " ");
            }
            return "bin/" + ((Script) this).script().getFileName();
        }
    }

    /** {@code bin/braid-server} of this checkout, if it has one. */
    static java.util.Optional<Path> script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("bin/braid-server");
            if (Files.isRegularFile(candidate) && Files.isRegularFile(p.resolve("dashboard-api/pom.xml"))) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
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
        return start(new Launch.Jar(jvmFlags), List.of(), env, logDir, null);
    }

    /**
     * @param pin a command prefix such as {@code taskset -c 1} (empty: not pinned)
     * @param dataDir the working directory (its {@code ./data} holds the H2 database), kept on close; null: a fresh
     *     temp directory, deleted on close
     */
    static BraidProcess start(Launch launch, List<String> pin, Map<String, String> env, Path logDir, Path dataDir) throws IOException {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("braid-bench-");
        int port = freePort();
        Files.createDirectories(logDir);
        Path log = logDir.resolve("braid-" + port + ".log");
        List<String> command = new ArrayList<>(pin);
        List<String> jvmFlags = List.of();
        if (launch instanceof Launch.Script s) {
            command.add(s.script().toString());
        } else if (launch instanceof Launch.Jar j) {
            jvmFlags = j.jvmFlags();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmFlags);
            java.util.Optional<Path> jar = jar();
            if (jar.isPresent()) {
                command.add("-jar");
                command.add(jar.get().toString());
            } else {
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.braid.server.BraidServer"));
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        builder.environment().put("BRAID_ADMIN_KEY", ADMIN_KEY);
        builder.environment().putAll(env);
        long launched = System.nanoTime();
        return new BraidProcess(builder.start(), port, dir, log, launched, List.copyOf(jvmFlags), dataDir != null);
    }

    /**
     * Polls {@code POST /v1/pipelines/echo/invoke} every 10 ms until it answers 200 and returns the time
     * from launch to that answer: cold start as a caller sees it.
     */
    Duration awaitFirstInvoke(Duration limit) throws InterruptedException {
        return awaitFirst("echo", limit);
    }

    /** Like {@link #awaitFirstInvoke} for the pipeline {@code name} (a restart: until a deployed pipeline answers). */
    Duration awaitFirst(String name, Duration limit) throws InterruptedException {
        byte[] request = HttpConn.request("POST", "127.0.0.1", port, "/v1/pipelines/" + name + "/invoke", "application/json",
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

    /** The JVM's pid (under {@code bin/braid-server} or {@code taskset}, the java process they start). */
    @Override
    public long pid() {
        if (workerPid == 0) {
            long found = Measured.worker(process, "java");
            if (found == process.pid() && !process.info().command().map(c -> c.endsWith("/java")).orElse(false)) {
                return found; // the launcher has not started java yet: look again next time
            }
            workerPid = found;
        }
        return workerPid;
    }

    /** CPU seconds the JVM has spent so far (from /proc; 0.01 s resolution). */
    double cpuSeconds() {
        return cpuTicks() / 100.0;
    }

    List<String> jvmFlags() {
        return jvmFlags;
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
        long jvm = pid();
        if (jvm != process.pid()) {
            ProcessHandle.of(jvm).ifPresent(ProcessHandle::destroy);
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            ProcessHandle.of(jvm).ifPresent(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        ProcessHandle.of(jvm).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> h).join());
        if (keepDir) {
            return;
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
