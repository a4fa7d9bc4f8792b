package dev.braid.server;

import io.micronaut.runtime.Micronaut;

/** Starts the Braid gateway: HTTP API on port 8080 (or {@code MICRONAUT_SERVER_PORT}). */
public final class BraidServer {

    private BraidServer() {}

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(BraidServer.class).banner(false).start();
    }
}
