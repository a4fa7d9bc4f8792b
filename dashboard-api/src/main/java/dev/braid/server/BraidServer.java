package dev.braid.server;

import io.micronaut.runtime.Micronaut;

/** Starts the Braid gateway: HTTP API on port 8080 (or {@code MICRONAUT_SERVER_PORT}). */
public final class BraidServer {

    static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private BraidServer() {}

    public static void main(String[] args) {
        sizeCommonPool();
        // about a second of CPU that the first request needs, not startup: on the other core meanwhile
        dev.braid.components.tokens.TokenCounter.preload();
        Micronaut.build(args).mainClass(BraidServer.class).banner(false).start();
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
