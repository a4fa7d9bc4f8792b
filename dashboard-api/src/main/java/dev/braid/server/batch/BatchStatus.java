package dev.braid.server.batch;

import java.util.Locale;

/** A batch's status, as OpenAI names it. */
public enum BatchStatus {
    VALIDATING, FAILED, IN_PROGRESS, FINALIZING, COMPLETED, CANCELLING, CANCELLED, EXPIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BatchStatus parse(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /** Whether nothing will change any more. */
    public boolean terminal() {
        return this == FAILED || this == COMPLETED || this == CANCELLED || this == EXPIRED;
    }
}
