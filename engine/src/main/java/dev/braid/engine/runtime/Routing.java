package dev.braid.engine.runtime;

import java.util.Optional;

/**
 * Where one pipeline's unpinned calls go: an immutable value swapped atomically per pipeline. Today
 * every call goes to {@code stable}; {@code candidate} is the room for a release that sends a
 * weighted share of calls to a second version (no such release exists yet, so it is always empty).
 */
record Routing(LoadedVersion stable, Optional<Arm> candidate) {

    /** A second version receiving {@code percent} of the unpinned calls (0..100). */
    record Arm(LoadedVersion version, int percent) {
        Arm {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("percent must be 0..100");
            }
        }
    }

    Routing {
        candidate = candidate == null ? Optional.empty() : candidate;
    }

    static Routing to(LoadedVersion stable) {
        return new Routing(stable, Optional.empty());
    }

    /** Whether {@code v} receives unpinned calls (stable or candidate). */
    boolean serves(LoadedVersion v) {
        return stable == v || candidate.map(a -> a.version() == v).orElse(false);
    }
}
