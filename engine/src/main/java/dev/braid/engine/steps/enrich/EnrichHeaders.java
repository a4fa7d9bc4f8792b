package dev.braid.engine.steps.enrich;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The headers an enrich step may set. Names are never templated, so every one can be judged when
 * the pipeline is read: a name the JDK client refuses ({@code Host}, {@code Content-Length},
 * {@code Connection}, {@code Expect}, {@code Upgrade}, or not a token) used to deploy and then fail
 * every call. The JDK itself is asked, so validation and run time cannot disagree; the hop-by-hop
 * headers it would pass on but that the client owns ({@code Transfer-Encoding} beside the length
 * it computes, {@code Keep-Alive}, {@code TE}, {@code Trailer}, {@code Proxy-Connection}) are
 * refused too. A literal value is judged the same way (a CR, LF or NUL fails every call).
 */
final class EnrichHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");
    private static final URI ANY = URI.create("http://enrich.invalid/");

    private EnrichHeaders() {}

    /** Why header {@code name} may never be sent, or empty. */
    static Optional<String> nameRefusal(String name) {
        if (HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
            return Optional.of("header '" + name + "' is managed by the HTTP client and cannot be set");
        }
        try {
            HttpRequest.newBuilder(ANY).header(name, "x");
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            // the JDK says "restricted header name" for Host and the like, "invalid header name" otherwise
            boolean restricted = e.getMessage() != null && e.getMessage().startsWith("restricted");
            return Optional.of(restricted
                    ? "header '" + name + "' is managed by the HTTP client and cannot be set"
                    : "'" + printable(name) + "' is not a valid header name");
        }
    }

    /** Why the literal (untemplated) value of a header may never be sent, or empty. */
    static Optional<String> valueRefusal(String name, String literal) {
        try {
            HttpRequest.newBuilder(ANY).header("x-braid-check", literal);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("the value of header '" + printable(name)
                    + "' holds a character a header cannot carry (a line break or control character)");
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> sb.append(Character.isISOControl(c) ? "\\u" + String.format("%04X", c)
                : new String(Character.toChars(c))));
        return sb.toString();
    }
}
