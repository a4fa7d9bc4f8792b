package dev.braid.engine.runtime;

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
 * Reads an enrich answer as UTF-8 text, at most {@link #MAX_BYTES}: a target that answers with
 * gigabytes (by accident or on purpose) fails the step instead of filling the heap.
 */
final class EnrichBodies {

    static final int MAX_BYTES = 1024 * 1024;

    /** Thrown (inside the response stage) when an answer is larger than the limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("enrich answer larger than " + MAX_BYTES + " bytes");
        }
    }

    private EnrichBodies() {}

    static HttpResponse.BodyHandler<String> limited() {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > MAX_BYTES) {
                return HttpResponse.BodySubscribers.replacing(null); // never read; parse() sees the flag below
            }
            return new Limited();
        };
    }

    private static final class Limited implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
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
                if (bytes.size() + b.remaining() > MAX_BYTES) {
                    subscription.cancel(); // stop reading; the connection is dropped
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
