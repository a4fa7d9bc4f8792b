package dev.braid.cli;

/**
 * The exit codes a CI script can branch on. They are part of the CLI's contract: {@link BraidCli}'s
 * {@code --help} and the README list the same meanings. Codes 0 to 4 keep the meanings they had before
 * 6 to 8 split the refusals a script must treat differently out of 1; 5 is never returned, because
 * {@code samples/ci/deploy-and-smoke.sh} (and scripts modelled on it) use it for their own outcome.
 */
public enum Exit {
    /** The command did what was asked. */
    OK(0),
    /**
     * The server refused the request (4xx) for what it is: an invalid pipeline (422), a bad input (400),
     * a conflict (409), a body too large (413), a limit (429). Auth (6) and not-found (7) are not here.
     */
    REFUSED(1),
    /** Bad arguments or options, an unreadable file, an {@code --input} that is not a JSON object. */
    USAGE(2),
    /** The server could not be reached, timed out, or failed (5xx, or an answer the CLI cannot read). */
    UNAVAILABLE(3),
    /** The pipeline ran and a provider failed it (Braid's {@code upstream_error}: 502, 503, 504). */
    PROVIDER_FAILED(4),
    /** No key, an unknown or revoked key (401), or a key whose role or scope does not allow this (403). */
    AUTH(6),
    /** No such pipeline, version or key (404). */
    NOT_FOUND(7),
    /**
     * The pipeline itself failed, not a provider: a JSONata expression that failed at run time, a failed
     * {@code require} (the server's {@code pipeline_error} type, or its {@code step_failed} and
     * {@code required_step_failed} codes).
     */
    PIPELINE_FAILED(8);

    private final int code;

    Exit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The worse of two outcomes, so a command over several files reports its worst one. */
    public Exit worse(Exit other) {
        return other.code > code ? other : this;
    }
}
