package dev.braid.components.model.http;

import java.util.Locale;
import java.util.Optional;

/** A {@code data:<media type>;base64,<data>} image URL split into its parts. */
public record DataUrl(String mediaType, String base64) {

    public static Optional<DataUrl> parse(String url) {
        if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) {
            return Optional.empty();
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            return Optional.empty();
        }
        String meta = url.substring(5, comma);
        if (!meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
            return Optional.empty();
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        return Optional.of(new DataUrl(type.isEmpty() ? "application/octet-stream" : type, url.substring(comma + 1)));
    }

    /** A media type guessed from an https URL's file extension (providers that need one for remote images). */
    public static String guessMediaType(String url) {
        String path = url.toLowerCase(Locale.ROOT);
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.endsWith(".png")) {
            return "image/png";
        }
        if (path.endsWith(".gif")) {
            return "image/gif";
        }
        if (path.endsWith(".webp")) {
            return "image/webp";
        }
        return "image/jpeg";
    }
}
