package dev.braid.server.registry;

import io.micronaut.core.annotation.Nullable;

/**
 * What a deploy did.
 *
 * @param active whether {@code version} is now the active version
 * @param created false when the YAML equalled the newest version's (nothing stored)
 */
public record Deployment(
        String name, int version, String sha256, boolean active, @Nullable Integer activeVersion, boolean created) {}
