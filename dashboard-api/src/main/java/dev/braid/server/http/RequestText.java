package dev.braid.server.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses, before authentication and routing, a path or query that no route could mean: a control
 * character ({@code %00} above all: PostgreSQL text cannot hold it, and a lookup by such a name
 * answered 500 with a stack trace on a dozen routes, issue 13, item 5) or percent-encoded bytes
 * that are not UTF-8 ({@code %C0%AF}, an overlong {@code /}). One check here instead of one per
 * parameter per controller. Query values may hold tab, CR and LF (an audit message may span
 * lines); paths may not.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class RequestText implements Ordered {

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        String problem;
        String param = null;
        String rawPath = rawPath(request.getUri().getRawPath());
        problem = inspect(rawPath, false, "the path");
        String query = request.getUri().getRawQuery();
        if (problem == null && query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                problem = inspect(name, false, "a query parameter's name");
                if (problem == null && eq >= 0) {
                    String decodedName = decode(name);
                    problem = inspect(pair.substring(eq + 1), true,
                            "query parameter '" + (decodedName == null ? "?" : printable(decodedName)) + "'");
                    param = decodedName == null ? null : printable(decodedName);
                }
                if (problem != null) {
                    break;
                }
            }
        }
        return problem == null ? null : ErrorResponses.render(request, ApiProblem.of(400, "invalid_request", problem, param));
    }

    private static String rawPath(String path) {
        return path == null ? "" : path;
    }

    /** Why {@code raw} (percent-encoded) is refused, or null when it is fine. */
    static String inspect(String raw, boolean query, String what) {
        if (raw.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '%')) {
            return null; // the common case: nothing encoded, nothing to decode
        }
        String text = query ? decode(raw.replace('+', ' ')) : decode(raw);
        if (text == null) {
            return what + " is not valid percent-encoded UTF-8";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = query && (c == '\t' || c == '\n' || c == '\r');
            if ((c < 0x20 || c == 0x7F) && !allowed) {
                return what + " contains a control character (U+" + String.format("%04X", (int) c) + ")";
            }
        }
        return null;
    }

    /** Strict percent-decoding: null for a broken escape or bytes that are not UTF-8. */
    static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c <= 0xFF) {
                bytes.write(c); // the request line's bytes as Netty read them (one char per byte)
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // a parameter name echoed in a message: short and without control characters
    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
