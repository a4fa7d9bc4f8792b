package dev.braid.server.requests;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane (so a caller can
 * correlate its logs with ours), otherwise a new one. The id is echoed on every response, used as
 * the invoke envelope's {@code id}, and quoted in 500 messages.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = "braid.requestId";

    // short, printable and free of anything a log line or header could trip over
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    @RequestFilter
    public void assign(HttpRequest<?> request) {
        of(request);
    }

    @ResponseFilter
    public void echo(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!response.getHeaders().contains(HEADER)) {
            response.header(HEADER, of(request));
        }
    }

    /** The request's id, assigning one if no filter has yet. */
    public static String of(HttpRequest<?> request) {
        if (request == null) {
            return generate();
        }
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(() -> {
            String id = request.getHeaders()
                    .findFirst(HEADER)
                    .filter(value -> SANE.matcher(value).matches())
                    .orElseGet(RequestIds::generate);
            request.setAttribute(ATTRIBUTE, id);
            return id;
        });
    }

    static String generate() {
        return "req_" + UUID.randomUUID().toString().replace("-", "");
    }
}
