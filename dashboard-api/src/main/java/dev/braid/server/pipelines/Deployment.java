package dev.braid.server.pipelines;

import dev.braid.engine.spec.UnknownProviders;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * What a deploy did.
 *
 * @param active whether {@code version} is now the active version
 * @param created false when the YAML equalled the newest version's (nothing stored)
 * @param warnings what deploys but will not work as written (targets naming unconfigured providers)
 */
public record Deployment(String name, int version, String sha256, boolean active, @Nullable Integer activeVersion,
        boolean created, List<UnknownProviders.Warning> warnings) {

    public Deployment {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
