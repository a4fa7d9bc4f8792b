package dev.braid.server;

import dev.braid.server.config.ConfigFile;
import io.micronaut.runtime.Micronaut;
import java.nio.file.Path;

/**
 * Starts the Braid gateway: HTTP API on port 8080 (or {@code MICRONAUT_SERVER_PORT}), with the settings
 * of {@code braid.yml} ({@code --config <file>}, {@code BRAID_CONFIG}, or the working directory's; see
 * {@link ConfigFile} and docs/CONFIGURATION.md).
 */
public final class BraidServer {

    static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private BraidServer() {}

    public static void main(String[] args) {
        String[] micronautArgs;
        try {
            micronautArgs = ConfigFile.choose(args, System.getenv(), Path.of("")).apply(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("braid-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        sizeCommonPool();
        // about a second of CPU that the first request needs, not startup: on the other core meanwhile
        dev.braid.components.tokens.TokenCounter.preload();
        Micronaut.build(micronautArgs).mainClass(BraidServer.class).banner(false).start();
    }

    /**
     * With 1 or 2 CPUs the common pool gets parallelism 1, and CompletableFuture's default async
     * executor is then a new thread per task. The JDK HttpClient hands every {@code sendAsync}
     * response to that executor, so every model call started a thread (the top cost of a
     * passthrough request on 2 cores, see bench/RESULTS.md). Parallelism 2 keeps it a pool. Must run
     * before anything touches ForkJoinPool; an explicit -D setting wins.
     */
    static void sizeCommonPool() {
        if (System.getProperty(COMMON_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_PARALLELISM, "2");
        }
    }
}
