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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The peer: Portkey's open-source AI gateway ({@code @portkey-ai/gateway} on npm, Node), installed from the
 * npm registry on demand into {@code bench/target/portkey} with the versions pinned in {@code bench/peer/}
 * ({@code package.json} and its lockfile; {@code @hono/node-server} held at 1.14.1, later versions break the
 * gateway's streaming), and started as {@code node build/start-server.js --headless --port=N}.
 *
 * <p>It reaches the suite's mock upstream the way Portkey routes to any OpenAI-compatible host: per request,
 * {@code x-portkey-provider: openai} and {@code x-portkey-custom-host: http://127.0.0.1:<mock>/v1} (loopback
 * is in its default {@code TRUSTED_CUSTOM_HOSTS}), with the upstream key as {@code Authorization}.
 */
final class PortkeyProcess implements AutoCloseable, Measured {

    /** The gateway version bench/peer/package.json pins. */
    static final String VERSION = "1.15.2";

    private final Process process;
    private final int port;
    private final Path log;
    private final long launchedNanos;

    private PortkeyProcess(Process process, int port, Path log, long launchedNanos) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.launchedNanos = launchedNanos;
    }

    /** Where the peer is installed, or why it is not: {@code install} false only looks for an earlier install. */
    record Install(Optional<Path> entry, String reason) {
        boolean ready() {
            return entry.isPresent();
        }
    }

    /** bench/ of this checkout, found from the working directory upwards. */
    static Optional<Path> benchDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("peer/package.json")) && Files.isRegularFile(p.resolve("run.sh"))) {
                return Optional.of(p);
            }
            if (Files.isRegularFile(p.resolve("bench/peer/package.json"))) {
                return Optional.of(p.resolve("bench"));
            }
        }
        return Optional.empty();
    }

    /**
     * Installs the pinned gateway into bench/target/portkey with {@code npm ci} (the checked-in lockfile) unless
     * it is there already; {@code mayInstall} false (the quick smoke) only uses an earlier install.
     */
    static Install install(boolean mayInstall) {
        Optional<Path> bench = benchDir();
        if (bench.isEmpty()) {
            return new Install(Optional.empty(), "bench/peer/package.json not found from " + Path.of("").toAbsolutePath());
        }
        Path target = bench.get().resolve("target/portkey");
        Path entry = target.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
        if (Files.isRegularFile(entry)) {
            return new Install(Optional.of(entry), "");
        }
        if (!mayInstall) {
            return new Install(Optional.empty(), "quick mode installs nothing; run bench/run.sh once to install it");
        }
        if (!onPath("node") || !onPath("npm")) {
            return new Install(Optional.empty(), "node or npm is not installed");
        }
        try {
            Files.createDirectories(target);
            for (String f : List.of("package.json", "package-lock.json")) {
                Files.copy(bench.get().resolve("peer").resolve(f), target.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path npmLog = target.resolve("npm-install.log");
            // --ignore-scripts: the gateway's postinstall only runs patch-package, which has nothing to patch in the published build
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                    .directory(target.toFile()).redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                return new Install(Optional.empty(), "npm ci did not finish in 5 minutes (registry unreachable?)");
            }
            if (npm.exitValue() != 0 || !Files.isRegularFile(entry)) {
                List<String> lines = Files.readAllLines(npmLog, StandardCharsets.UTF_8);
                String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
                return new Install(Optional.empty(), "npm ci failed (exit " + npm.exitValue() + "): " + last.replace('|', '/'));
            }
            return new Install(Optional.of(entry), "");
        } catch (IOException e) {
            return new Install(Optional.empty(), "install failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Install(Optional.empty(), "interrupted");
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static PortkeyProcess start(Path entry, List<String> pin, Path logDir) throws IOException {
        int port = freePort();
        Files.createDirectories(logDir);
        Path log = logDir.resolve("portkey-" + port + ".log");
        List<String> command = new ArrayList<>(pin);
        command.addAll(List.of("node", entry.toString(), "--headless", "--port=" + port));
        ProcessBuilder builder = new ProcessBuilder(command).directory(entry.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("NODE_ENV", "production");
        long launched = System.nanoTime();
        return new PortkeyProcess(builder.start(), port, log, launched);
    }

    /** Portkey's routing headers for an OpenAI-compatible upstream at {@code baseUrl}. */
    static Map<String, String> routeTo(String baseUrl) {
        return Map.of("x-portkey-provider", "openai", "x-portkey-custom-host", baseUrl);
    }

    /** Polls a chat completion through the gateway every 10 ms until it answers 200: launch to first 200. */
    Duration awaitFirst(String upstreamBaseUrl, Duration limit) throws InterruptedException {
        byte[] request = HttpConn.request("POST", Suite.HOST, port, "/v1/chat/completions", "application/json",
                "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"cold\"}]}", "bench-upstream-key",
                routeTo(upstreamBaseUrl));
        long deadline = launchedNanos + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("portkey exited with " + process.exitValue() + ":\n" + tail());
            }
            try (HttpConn conn = new HttpConn(Suite.HOST, port)) {
                if (conn.exchange(request, false).status() == 200) {
                    return Duration.ofNanos(System.nanoTime() - launchedNanos);
                }
            } catch (IOException | RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("portkey did not answer within " + limit + ":\n" + tail());
    }

    int port() {
        return port;
    }

    @Override
    public long pid() {
        return Measured.worker(process, "node");
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        long node = pid();
        if (node != process.pid()) {
            ProcessHandle.of(node).ifPresent(ProcessHandle::destroy);
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            ProcessHandle.of(node).ifPresent(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
