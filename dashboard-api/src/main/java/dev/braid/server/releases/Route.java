package dev.braid.server.releases;

import io.micronaut.core.annotation.Nullable;

/**
 * Where one call goes: a version to pin (null: the active one) and, when a release routed it, the
 * release and the arm ({@code stable} or {@code candidate}) the envelope names.
 */
public record Route(@Nullable Integer version, @Nullable String releaseId, @Nullable String arm) {

    /** The active version, no release involved. */
    public static final Route ACTIVE = new Route(null, null, null);

    public static final String STABLE = "stable";
    public static final String CANDIDATE = "candidate";

    /** A pinned call: it bypasses any release. */
    public static Route pinned(int version) {
        return new Route(version, null, null);
    }

    public boolean released() {
        return releaseId != null;
    }
}
