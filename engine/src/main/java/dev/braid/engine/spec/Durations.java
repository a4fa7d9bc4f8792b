package dev.braid.engine.spec;

import dev.braid.components.model.api.DurationText;
import java.time.Duration;
import java.util.Locale;

/**
 * The pipeline language's durations: a whole number and a unit, {@code 500ms}, {@code 10s},
 * {@code 2m}, {@code 1h}. The same forms the components read from URIs and target options, with
 * the language's own error message.
 */
public final class Durations {

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException when the text is not a number followed by ms, s, m or h
     */
    public static Duration parse(String text) {
        // the language is strict where URIs are lenient: no padding, lower-case units only
        if (text == null || !text.equals(text.strip()) || !text.equals(text.toLowerCase(Locale.ROOT))) {
            throw invalid();
        }
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("expected a duration such as 500ms, 10s or 2m");
    }
}
