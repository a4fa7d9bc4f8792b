package dev.braid.components.model.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The options a pipeline may set on a {@link Target} beside {@code provider} and {@code model}: a
 * closed set, so the pipeline reader refuses any other key. Before, a provider setting written on a
 * target ({@code baseUrl}, {@code apiKey}) or a misspelt option was accepted and silently ignored.
 * The readers of each option name it from here ({@code HttpLimits}, {@code TargetOrder}, the mock
 * provider), so this list and what runs cannot drift apart.
 */
public enum TargetOption {
    /** Read by the weighted strategy: a number ≥ 0. */
    WEIGHT("weight", Kind.NUMBER, false),
    /** Read by every HTTP provider: how long the answer's headers may take for this target. */
    FIRST_BYTE_TIMEOUT("firstByteTimeout", Kind.DURATION, false),
    /** Read by every HTTP provider: how long the whole exchange may take for this target. */
    TOTAL_TIMEOUT("totalTimeout", Kind.DURATION, false),
    DELAY("delay", Kind.DURATION, true),
    FAIL_WITH("failWith", Kind.INTEGER, true),
    FAIL_TIMES("failTimes", Kind.INTEGER, true),
    RETRY_AFTER("retryAfter", Kind.DURATION, true),
    CHUNK_DELAY("chunkDelay", Kind.DURATION, true),
    FAIL_AFTER_CHUNKS("failAfterChunks", Kind.INTEGER, true);

    /** What an option's value must be. */
    public enum Kind { NUMBER, INTEGER, DURATION }

    /** The provider that reads the mock-only options ({@code mock}, built in). */
    public static final String MOCK_PROVIDER = "mock";

    private final String key;
    private final Kind kind;
    private final boolean mockOnly;

    TargetOption(String key, Kind kind, boolean mockOnly) {
        this.key = key;
        this.kind = kind;
        this.mockOnly = mockOnly;
    }

    /** The key as a pipeline spells it. */
    public String key() {
        return key;
    }

    /** Whether only the {@value #MOCK_PROVIDER} provider reads it. */
    public boolean mockOnly() {
        return mockOnly;
    }

    public static Optional<TargetOption> of(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }

    /** Every key, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(TargetOption::key).toList();
    }

    /** Why {@code value} is not a value of this option, or empty when it is. */
    public Optional<String> problem(String value) {
        String v = value == null ? "" : value.trim();
        try {
            switch (kind) {
                case NUMBER -> {
                    double d = Double.parseDouble(v);
                    if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                        return Optional.of(key + " must be a number >= 0, got '" + value + "'");
                    }
                }
                case INTEGER -> Integer.parseInt(v);
                case DURATION -> DurationText.parse(v);
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) { // NumberFormatException included
            return Optional.of(key + " must be " + switch (kind) {
                case NUMBER -> "a number >= 0";
                case INTEGER -> "an integer";
                case DURATION -> "a duration such as 500ms, 10s or 2m";
            } + ", got '" + value.toLowerCase(Locale.ROOT) + "'");
        }
    }
}
