package dev.braid.server.calls;

/**
 * Where a streamed paid call's pieces go: the front door's wire format (invoke's {@code event:
 * delta}/{@code done}, a chat completion's chunks). {@link MeteredCalls} meters every piece before
 * handing it on, and ends the call's spend before {@link #complete} or {@link #fail}, so a caller
 * that saw the last event sees the spend.
 *
 * @param <D> one delta (a pipeline's step delta, a model's delta)
 * @param <R> what the call answers when it completes
 */
public interface CallStream<D, R> {

    /**
     * One piece, on the thread that produced it. Throws {@link java.util.concurrent.CancellationException}
     * when the client went away: the producer then aborts the call instead of streaming to no one.
     */
    void delta(D delta);

    /** The call completed. */
    void complete(R result);

    /** The call failed, or was refused before it started (a plain HTTP error while nothing was sent). */
    void fail(Throwable error);

    /** Whether the first event went out: a failure after it is billed as an interrupted stream. */
    boolean isOpen();

    /** Whether the client went away. */
    boolean isCancelled();
}
