package dev.braid.server.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Caps the length of every label value of every meter, Braid's and the framework's: a value is
 * often a caller's text (a model name, a pipeline name), and a scrape repeats it on each series and
 * bucket. 20 chat calls with 800 KB model names made one scrape 66 MB and concurrent scrapes ran the
 * server out of memory (issue 13, item 1). The number of values is bounded where they are chosen
 * ({@link ModelTags}, pipeline names); this bounds their size. Micronaut applies every
 * {@link MeterFilter} bean to the registry before any meter is registered.
 */
@Singleton
public final class BoundedLabels implements MeterFilter {

    /** Longest label value kept; longer ones keep this many characters and end in {@link #MARKER}. */
    public static final int MAX_LENGTH = 64;
    /** Marks a cut value, so it can never be mistaken for a real name. */
    public static final String MARKER = "…";

    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = id.getTags();
        List<Tag> capped = null;
        for (int i = 0; i < tags.size(); i++) {
            Tag tag = tags.get(i);
            if (tag.getValue().length() > MAX_LENGTH) {
                if (capped == null) {
                    capped = new ArrayList<>(tags);
                }
                capped.set(i, Tag.of(tag.getKey(), cap(tag.getValue())));
            }
        }
        return capped == null ? id : id.replaceTags(capped);
    }

    /** {@code value} if it is short enough, else its first {@link #MAX_LENGTH} characters and the marker. */
    public static String cap(String value) {
        if (value == null || value.length() <= MAX_LENGTH) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
        return value.substring(0, end) + MARKER;
    }
}
