package dev.braid.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.concurrent.ThreadLocalRandom;
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
        // untyped: getAttribute(name, type) builds a conversion context per call, and this runs
        // about five times per request
        if (request.getAttribute(ATTRIBUTE).orElse(null) instanceof String id) {
            return id;
        }
        String id = request.getHeaders()
                .findFirst(HEADER)
                .filter(value -> SANE.matcher(value).matches())
                .orElseGet(RequestIds::generate);
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    /**
     * {@code req_} and 32 hex digits. An id correlates, it guards nothing: {@link ThreadLocalRandom}
     * rather than {@code UUID.randomUUID()}, whose {@code SecureRandom} takes a lock every call.
     */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[36];
        "req_".getChars(0, 4, id, 0);
        hex(random.nextLong(), id, 4);
        hex(random.nextLong(), id, 20);
        return new String(id);
    }

    private static void hex(long value, char[] into, int at) {
        for (int i = 15; i >= 0; i--) {
            into[at + i] = Character.forDigit((int) (value & 0xF), 16);
            value >>>= 4;
        }
    }
}
