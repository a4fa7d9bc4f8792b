package dev.braid.server.pipelines;

import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * A pipeline's versions with their states, as one read.
 *
 * @param rollbackTarget where a plain rollback would go now; null when it would answer 409
 */
public record VersionStates(@Nullable Integer activeVersion, List<Entry> versions, @Nullable Integer rollbackTarget) {

    public record Entry(VersionRow version, VersionState state) {}
}
