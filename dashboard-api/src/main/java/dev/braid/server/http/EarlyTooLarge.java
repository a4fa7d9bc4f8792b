package dev.braid.server.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.HttpServerConfiguration;

/**
 * A request whose {@code Content-Length} already exceeds {@code micronaut.server.max-request-size}
 * is answered 413 before anything reads its body. Micronaut sends {@code 100 Continue} when a
 * route starts reading the body, so a client that asked ({@code Expect: 100-continue}) was invited
 * to upload 20 MB only to be told 413 (issue 13, item 16); now it is told before it sends a byte.
 * Bodies without a length are still cut off at the limit while they stream in.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class EarlyTooLarge implements Ordered {

    /** The only path whose body is streamed rather than buffered: file uploads. */
    private static final String UPLOADS = "/v1/files";

    private final long maxRequestSize;
    private final long maxBufferedSize;

    public EarlyTooLarge(HttpServerConfiguration configuration) {
        this.maxRequestSize = configuration.getMaxRequestSize();
        this.maxBufferedSize = Math.min(configuration.getMaxRequestBufferSize(), maxRequestSize);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        String length = request.getHeaders().get(HttpHeaders.CONTENT_LENGTH);
        // an upload streams to storage and may reach max-request-size; every other body is
        // buffered whole and may reach max-request-buffer-size only
        long limit = UPLOADS.equals(request.getPath()) ? maxRequestSize : maxBufferedSize;
        if (length == null || limit <= 0) {
            return null;
        }
        long announced;
        try {
            announced = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return null; // Netty's decoder refuses a malformed length itself
        }
        if (announced <= limit) {
            return null;
        }
        return ErrorResponses.render(request, ApiProblem.of(413, "request_too_large",
                "the request body is larger than this server accepts (at most " + limit + " bytes)"));
    }
}
