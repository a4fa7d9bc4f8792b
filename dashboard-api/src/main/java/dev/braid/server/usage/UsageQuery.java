package dev.braid.server.usage;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parsed {@code GET /api/usage} question: a time window {@code [from, to)}, optional filters,
 * and the dimensions to group by.
 */
public record UsageQuery(
        Instant from, Instant to, String pipeline, String keyId, String model, List<Dimension> groupBy) {

    /** How long a window is when the caller gives no {@code from}. */
    static final long DEFAULT_WINDOW_HOURS = 24;

    /** What rows may be grouped by; {@code column} is portable SQL (PostgreSQL and H2). */
    public enum Dimension {
        PIPELINE("pipeline", "pipeline", false),
        VERSION("version", "version", false),
        STEP("step", "step", true),
        MODEL("model", "model", true),
        PROVIDER("provider", "provider", true),
        KEY("key", "key_id", false),
        DAY("day", "(occurred_at_ms / 86400000)", false),
        HOUR("hour", "(occurred_at_ms / 3600000)", false);

        final String name;
        final String column;
        /** Grouping by this counts step rows (model calls), not request rows. */
        final boolean stepLevel;

        Dimension(String name, String column, boolean stepLevel) {
            this.name = name;
            this.column = column;
            this.stepLevel = stepLevel;
        }

        public String wireName() {
            return name;
        }

        static Dimension parse(String value) {
            for (Dimension d : values()) {
                if (d.name.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return d;
                }
            }
            throw new IllegalArgumentException("unknown groupBy \"" + value.trim()
                    + "\"; use pipeline, version, step, model, provider, key, day or hour");
        }
    }

    /** Rows at request level (one per request) or step level (one per step or model call). */
    public UsageRecord.Kind level() {
        return model != null || groupBy.stream().anyMatch(d -> d.stepLevel)
                ? UsageRecord.Kind.STEP
                : UsageRecord.Kind.REQUEST;
    }

    /**
     * Parses the query parameters; throws {@link IllegalArgumentException} with a caller-facing
     * message naming the bad parameter's value.
     */
    public static UsageQuery parse(String from, String to, String pipeline, String key, String model,
            String groupBy, Instant now) {
        Instant end = blank(to) ? now : instant(to, true, "to");
        Instant start = blank(from) ? end.minus(DEFAULT_WINDOW_HOURS, ChronoUnit.HOURS) : instant(from, false, "from");
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("\"from\" must be before \"to\"");
        }
        Set<Dimension> dims = new LinkedHashSet<>();
        if (!blank(groupBy)) {
            for (String part : groupBy.split(",")) {
                if (!part.isBlank()) {
                    dims.add(Dimension.parse(part));
                }
            }
        }
        if (dims.contains(Dimension.VERSION) && !dims.contains(Dimension.PIPELINE)) {
            // a version number means nothing without its pipeline: v2 of one is not v2 of another
            List<Dimension> withPipeline = new ArrayList<>(List.of(Dimension.PIPELINE));
            withPipeline.addAll(dims);
            dims = new LinkedHashSet<>(withPipeline);
        }
        if (dims.contains(Dimension.DAY) && dims.contains(Dimension.HOUR)) {
            throw new IllegalArgumentException("group by day or by hour, not both");
        }
        return new UsageQuery(start, end, emptyToNull(pipeline), emptyToNull(key), emptyToNull(model),
                new ArrayList<>(dims));
    }

    /**
     * An ISO-8601 instant, or a date: midnight UTC; as the end of a window ({@code end}), a date
     * includes that whole day. Throws {@link IllegalArgumentException} naming {@code param}. Shared
     * with {@code GET /api/audit}, so both read times alike.
     */
    public static Instant instant(String value, boolean end, String param) {
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("\"" + param + "\" must be an ISO-8601 instant"
                    + " (2026-11-26T10:00:00Z) or a date (2026-11-26)");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : s;
    }
}
