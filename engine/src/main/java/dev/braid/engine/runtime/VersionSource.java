package dev.braid.engine.runtime;

import java.util.Optional;

/**
 * Where the runtime finds a pinned version that is not loaded (the server's registry database).
 * Called on the executor given with it, never on the caller's thread: it may block.
 */
@FunctionalInterface
public interface VersionSource {

    /**
     * The exact YAML deployed as {@code version} of {@code name}; empty when there is no such
     * version. May throw {@link InvocationException.PipelineNotFound} for an unknown pipeline.
     */
    Optional<String> yaml(String name, int version);
}
