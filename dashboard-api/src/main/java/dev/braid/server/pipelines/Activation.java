package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;

/**
 * What an activation or rollback did.
 *
 * @param fromVersion the version that was active before
 * @param changed false when the version was already active (nothing changed, nothing audited)
 */
public record Activation(String name, int activeVersion, @Nullable Integer fromVersion, boolean changed) {}
