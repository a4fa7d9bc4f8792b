package dev.braid.components.model.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Splits a streamed body into UTF-8 lines at the byte level (LF, CRLF or a lone CR end a line)
 * and hands each to a {@link LineSink} as it arrives; nothing ever blocks on the body. A line
 * longer than {@code maxLineBytes} aborts the stream. Whatever the sink throws fails the body
 * stage and cancels the exchange.
 */
final class LineBodySubscriber<T> implements HttpResponse.BodySubscriber<T> {

    /** A stream line went past the limit. */
    static final class LineTooLong extends IOException {
        LineTooLong(int limit) {
            super("stream line longer than " + limit + " bytes", null);
        }
    }

    private final LineSink<T> sink;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private boolean afterCr;

    LineBodySubscriber(LineSink<T> sink, int maxLineBytes) {
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public CompletionStage<T> getBody() {
        return result;
    }

    /** Stops reading (deadline passed or the caller gave up). */
    void cancel(Throwable reason) {
        if (result.completeExceptionally(reason)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        try {
            for (ByteBuffer b : items) {
                while (b.hasRemaining()) {
                    if (result.isDone()) {
                        return;
                    }
                    byte c = b.get();
                    if (c == '\n' || c == '\r') {
                        if (c == '\r' || !afterCr) {
                            emit();
                            if (sink.finished()) {
                                // the answer is complete: don't wait for a server that keeps the stream open
                                subscription.cancel();
                                result.complete(sink.end());
                                return;
                            }
                        }
                        afterCr = c == '\r';
                    } else {
                        afterCr = false;
                        if (line.size() >= maxLineBytes) {
                            throw new LineTooLong(maxLineBytes);
                        }
                        line.write(c);
                    }
                }
            }
            subscription.request(1);
        } catch (Throwable t) {
            cancel(t);
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        sink.line(text);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (result.isDone()) {
            return;
        }
        try {
            if (line.size() > 0) {
                emit();
            }
            result.complete(sink.end());
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }
}
