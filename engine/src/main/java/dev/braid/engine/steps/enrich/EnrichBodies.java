package dev.braid.engine.steps.enrich;

import dev.braid.components.model.http.LimitedBodySubscriber;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Reads an enrich answer as UTF-8 text, at most {@link #MAX_BYTES}: a target that answers with
 * gigabytes (by accident or on purpose) fails the step instead of filling the heap. The bounded
 * reading is the providers' own ({@link LimitedBodySubscriber}).
 */
final class EnrichBodies {

    static final int MAX_BYTES = 1024 * 1024;

    private EnrichBodies() {}

    static HttpResponse.BodyHandler<String> limited() {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > MAX_BYTES) {
                return HttpResponse.BodySubscribers.replacing(null); // never read; the producer sees the length
            }
            return HttpResponse.BodySubscribers.mapping(
                    new LimitedBodySubscriber(MAX_BYTES, false), bytes -> new String(bytes, StandardCharsets.UTF_8));
        };
    }

    /** Whether {@code cause} (or what it wraps) says the answer went past {@link #MAX_BYTES}. */
    static boolean isTooLarge(Throwable cause) {
        return cause instanceof LimitedBodySubscriber.TooLarge
                || cause != null && cause.getCause() instanceof LimitedBodySubscriber.TooLarge;
    }
}
