package dev.braid.server.pipelines;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A version's state in {@code GET …/versions} (DESIGN.md, "Versions"). {@code CANDIDATE} is the
 * candidate of a running release; releases are not built yet, so nothing answers it today.
 */
public enum VersionState {
    ACTIVE, CANDIDATE, REJECTED, INACTIVE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
