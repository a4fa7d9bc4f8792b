package dev.braid.server.releases;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a release stands; only {@code RUNNING} routes traffic. */
public enum ReleaseState {
    RUNNING, PROMOTED, ROLLED_BACK, ABORTED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ReleaseState ofWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
