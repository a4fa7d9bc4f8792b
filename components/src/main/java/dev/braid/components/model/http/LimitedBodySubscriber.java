package dev.braid.components.model.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a body up to {@code limit} bytes; past it, cancels the exchange and fails with
 * {@link TooLarge}, so a misbehaving server cannot make Braid buffer gigabytes. Used for provider
 * answers and for the engine's enrich answers.
 */
public final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

    /** The body went past the limit. */
    public static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("response body larger than " + limit + " bytes", null);
        }
    }

    private final long limit;
    private final boolean truncate;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    /** @param truncate keep the first {@code limit} bytes and drop the rest instead of failing (error bodies) */
    public LimitedBodySubscriber(long limit, boolean truncate) {
        this.limit = limit;
        this.truncate = truncate;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            if (buffer.size() + (long) b.remaining() > limit) {
                if (truncate) {
                    byte[] head = new byte[(int) (limit - buffer.size())];
                    b.get(head);
                    buffer.write(head, 0, head.length);
                    b.position(b.limit());
                    continue;
                }
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            buffer.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }
}
