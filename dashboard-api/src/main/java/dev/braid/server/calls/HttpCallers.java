package dev.braid.server.calls;

import dev.braid.server.access.Access;
import dev.braid.server.access.ApiKey;
import dev.braid.server.access.RequestKey;
import dev.braid.server.http.RequestIds;
import dev.braid.server.tracing.BraidTracing;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/** Reads the {@link Caller} of an HTTP front door's request: what the access filter and request ids put on it. */
@Singleton
public class HttpCallers {

    private final BraidTracing tracing;

    public HttpCallers(BraidTracing tracing) {
        this.tracing = tracing;
    }

    public Caller of(HttpRequest<?> request) {
        ApiKey key = Access.key(request).orElse(null);
        return new Caller(RequestIds.of(request), RequestKey.idOf(request), key == null ? null : key.quota(),
                tracing.traceHeaders(request));
    }
}
