package dev.braid.server.batch;

import java.util.Locale;

/** Where one input line stands. */
public enum LineState {
    /** waiting to run (maybe until {@code not_before_ms}) */
    PENDING,
    /** claimed by an instance until {@code claimed_until} */
    RUNNING,
    /** answered 2xx; its output line is stored */
    DONE,
    /** answered an error; its error-file line is stored */
    FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
