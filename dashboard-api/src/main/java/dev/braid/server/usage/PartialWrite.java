package dev.braid.server.usage;

/**
 * A batch the sink wrote in part: the database refused {@link #failed()} of its rows and took the
 * others. The recorder counts the two apart instead of counting the whole batch as lost.
 */
public final class PartialWrite extends Exception {

    private final int failed;

    public PartialWrite(int failed, Throwable firstCause) {
        super(failed + " usage rows refused by the database", firstCause, false, false);
        this.failed = failed;
    }

    public int failed() {
        return failed;
    }
}
