package dev.braid.components.model.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void readsThePipelineDurationForms() {
        assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), DurationText.parse("10s"));
        assertEquals(Duration.ofMinutes(2), DurationText.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationText.parse(" 1h "));
    }

    @Test
    void rejectsAnythingElse() {
        for (String bad : new String[] {"10", "ten s", "-1s", "1.5s", "PT10S", ""}) {
            assertThrows(IllegalArgumentException.class, () -> DurationText.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse(null));
    }
}
