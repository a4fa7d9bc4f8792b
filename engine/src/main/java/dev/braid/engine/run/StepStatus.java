package dev.braid.engine.run;

import java.util.Locale;

/** How one step ended in one invocation; {@link #wire()} is the name the envelope and usage records carry. */
public enum StepStatus {
    OK,
    /** its {@code when} condition was false */
    SKIPPED,
    /** a guard let the input pass but noted a finding */
    FLAGGED,
    FAILED,
    /** a parallel branch that gave no answer within the step's timeout */
    TIMEOUT;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The lower-case name in responses, traces and usage records ({@code ok}, {@code skipped}, …). */
    public String wire() {
        return wire;
    }

    /** A step that did not deliver: failed or timed out (what a {@code require} or a trace counts as an error). */
    public boolean failed() {
        return this == FAILED || this == TIMEOUT;
    }
}
