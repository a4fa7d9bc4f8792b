package dev.braid.server.audit;

import dev.braid.server.access.AccessAuditLog;
import dev.braid.server.usage.UsageQuery;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A parsed {@code GET /api/audit} question: which event types (empty: all), whose (a key id or
 * name), the window {@code [since, until)}, how many, and where the previous page ended.
 */
record AuditQuery(Set<String> types, String actor, Instant since, Instant until, int limit, Cursor before) {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** A parameter the caller got wrong: 400 {@code invalid_request} naming it. */
    static final class BadParameter extends RuntimeException {

        private final String param;

        BadParameter(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    /** Where an event stands in the trail: newest first by time, then registry before access, then id. */
    record Cursor(Instant at, Source source, long id) {

        /** Opaque to callers (base64url), so its format may change without breaking them. */
        String encode() {
            String plain = at + "|" + source.code + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8);
                String[] parts = plain.split("\\|", -1);
                if (parts.length == 3) {
                    return new Cursor(Instant.parse(parts[0]), Source.byCode(parts[1]), Long.parseLong(parts[2]));
                }
            } catch (IllegalArgumentException | DateTimeException e) {
                // reported below, as every other malformed cursor
            }
            throw new BadParameter("before", "\"before\" is not a cursor from a previous answer's \"next\"");
        }
    }

    /** The two tables the trail merges; {@code rank} orders events of one instant (higher first). */
    enum Source {
        REGISTRY("r", 1, "audit_events", List.of("deploy", "activate", "rollback", "release_started", "release_step",
                "release_promoted", "release_aborted", "auto_rollback")),
        ACCESS("a", 0, "access_audit", AccessAuditLog.Event.wireNames());

        final String code;
        final int rank;
        final String table;
        final List<String> types;

        Source(String code, int rank, String table, List<String> types) {
            this.code = code;
            this.rank = rank;
            this.table = table;
            this.types = types;
        }

        static Source byCode(String code) {
            for (Source s : values()) {
                if (s.code.equals(code)) {
                    return s;
                }
            }
            throw new IllegalArgumentException(code);
        }
    }

    /** Every event type the trail knows, in the order the error message lists them. */
    static List<String> knownTypes() {
        return Stream.of(Source.values()).flatMap(s -> s.types.stream()).toList();
    }

    /** The types asked for that {@code source} holds; all of them when no type was asked for. */
    List<String> typesIn(Source source) {
        return types.isEmpty() ? source.types : source.types.stream().filter(types::contains).toList();
    }

    /**
     * Reads the parameters; {@code type} may repeat and each value may be a comma list. Throws
     * {@link BadParameter} naming the first bad one.
     */
    static AuditQuery parse(List<String> type, String actor, String since, String until, String limit, String before) {
        Set<String> types = new LinkedHashSet<>();
        for (String value : type) {
            for (String part : value.split(",")) {
                String t = part.trim().toLowerCase(Locale.ROOT);
                if (t.isEmpty()) {
                    continue;
                }
                if (!knownTypes().contains(t)) {
                    throw new BadParameter("type", "unknown event type \"" + shorten(part.trim()) + "\"; use "
                            + String.join(", ", knownTypes()));
                }
                types.add(t);
            }
        }
        Instant from = blank(since) ? null : time(since, false, "since");
        Instant to = blank(until) ? null : time(until, true, "until");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new BadParameter("until", "\"until\" must be after \"since\"");
        }
        int n = DEFAULT_LIMIT;
        if (!blank(limit)) {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw new BadParameter("limit", "\"limit\" must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        Cursor cursor = blank(before) ? null : Cursor.decode(before);
        return new AuditQuery(Set.copyOf(types), blank(actor) ? null : actor.trim(), from, to, n, cursor);
    }

    private static Instant time(String value, boolean end, String param) {
        try {
            return UsageQuery.instant(value.trim(), end, param);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(param, e.getMessage());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** A caller's value quoted back, never a wall of text. */
    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
