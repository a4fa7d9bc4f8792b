package dev.braid.server.pipelines;

import java.sql.Connection;
import java.util.OptionalInt;

/**
 * What the registry must know of releases (owned by {@code dev.braid.server.releases}, which
 * implements this): whether one runs, so a change of the active version is refused while it does
 * (409 {@code release_in_progress}), and its candidate, whose state is {@code candidate}.
 */
public interface RunningReleases {

    /** The candidate of {@code pipeline}'s running release, read on {@code connection}; empty when none runs. */
    OptionalInt candidate(Connection connection, String pipeline);

    /** The same, on a connection of its own. */
    OptionalInt candidate(String pipeline);
}
