package dev.braid.components.model.http;

/**
 * Receives a streamed body line by line, on an HTTP client thread. Throwing a
 * {@link dev.braid.components.model.api.ModelException} from either method aborts the stream with it.
 */
public interface LineSink<T> {

    void line(String line);

    /** The body ended; returns the result, or throws when the stream ended before its terminator. */
    T end();

    /**
     * Whether the stream's terminator arrived ({@code [DONE]}, {@code message_stop}, {@code done: true});
     * then the answer is complete even if the server keeps the connection open.
     */
    default boolean finished() {
        return false;
    }
}
