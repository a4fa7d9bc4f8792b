package dev.braid.cli;

/**
 * The exit codes a CI script can branch on. They are part of the CLI's contract: {@link BraidCli}'s
 * {@code --help} and the README list the same meanings.
 */
public enum Exit {
    /** The command did what was asked. */
    OK(0),
    /** The server answered 4xx: the pipeline is invalid, the name or version unknown, the key refused. */
    REFUSED(1),
    /** Bad arguments or options, an unreadable file, an {@code --input} that is not a JSON object. */
    USAGE(2),
    /** The server could not be reached, timed out, or failed (5xx, or an answer the CLI cannot read). */
    UNAVAILABLE(3),
    /** {@code invoke} only: the pipeline ran and a provider failed it (Braid's {@code upstream_error}: 502, 503, 504). */
    PIPELINE_FAILED(4);

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
