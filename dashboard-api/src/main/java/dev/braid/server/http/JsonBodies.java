package dev.braid.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A JSON body is UTF-8 (RFC 8259 §8.1) or it is refused with 400: before this, Micronaut decoded
 * {@code @Body String} leniently and Jackson guessed UTF-16 and UTF-32, so an overlong {@code C0 AF}
 * became {@code /} and UTF-16LE bodies answered 200 (issue 13, item 13). Checked here once, on the
 * bytes, with a decoder that reports instead of replacing; a NUL byte (how UTF-16 and UTF-32 look
 * to a UTF-8 reader, and never valid JSON) is refused too. Admin bodies ({@code /api/**}) may not
 * hold U+0000 in any string either: they name keys, providers and audit messages, which end up
 * in PostgreSQL text (issue 13, item 5). Runs after authentication, so only a caller with a key
 * makes the server buffer a body.
 * <p>
 * Every path but {@code /v1/files}: binding the body here buffers it whole, and an upload (up to
 * 200 MB of multipart, never JSON) must stream to storage instead.
 */
@ServerFilter(patterns = "^(?!/v1/files/?$).*", patternStyle = io.micronaut.http.filter.FilterPatternStyle.REGEX)
public final class JsonBodies implements Ordered {

    private static final JsonFactory PLAIN = JsonFactory.builder().build();

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request, @Nullable @Body byte[] body) {
        MediaType type = request.getContentType().orElse(null);
        if (body == null || body.length == 0 || type == null || !isJson(type)) {
            return null;
        }
        String problem = problem(type, body, request.getPath().startsWith("/api/"));
        return problem == null ? null : ErrorResponses.render(request, ApiProblem.of(400, "invalid_json", problem));
    }

    static boolean isJson(MediaType type) {
        String sub = type.getSubtype().toLowerCase(java.util.Locale.ROOT);
        return type.getType().equalsIgnoreCase("application") && (sub.equals("json") || sub.endsWith("+json"));
    }

    /** Why the body is refused, or null. */
    static String problem(MediaType type, byte[] body, boolean noNul) {
        String charset = type.getParameters().get("charset").orElse(null);
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            return "JSON request bodies must be UTF-8; charset=" + printable(charset) + " is not accepted";
        }
        for (byte b : body) {
            if (b == 0) {
                return "the request body is not UTF-8 JSON (it holds a NUL byte: UTF-16 and UTF-32 are not accepted)";
            }
        }
        String text;
        try {
            text = strictUtf8(body);
        } catch (CharacterCodingException e) {
            return "the request body is not valid UTF-8";
        }
        if (noNul && text.contains("\\u0000") || noNul && text.contains("\\U0000")) {
            return holdsNul(text) ? "a string in the request body holds U+0000 (NUL), which is not accepted here" : null;
        }
        return null;
    }

    /** Decodes UTF-8 that reports malformed input instead of replacing it (an overlong {@code C0 AF} is not {@code /}). */
    public static String strictUtf8(byte[] body) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body))
                .toString();
    }

    /** Whether a decoded string or field name holds U+0000 (malformed JSON is left to the controller). */
    private static boolean holdsNul(String text) {
        try (JsonParser p = PLAIN.createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) && p.getText().indexOf('\u0000') >= 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^A-Za-z0-9._-]", "?");
    }
}
