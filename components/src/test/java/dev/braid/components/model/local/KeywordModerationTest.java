package dev.braid.components.model.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeywordModerationTest {

    private final KeywordModeration moderation = KeywordModeration.standard();

    @Test
    void everyCategoryHasWords() {
        for (String c : KeywordModeration.CATEGORIES) {
            assertTrue(moderation.entries().stream().anyMatch(e -> e.category().equals(c)), c);
        }
    }

    @Test
    void cleanTextIsNotFlagged() {
        KeywordModeration.Result r = moderation.moderate("My order arrived late and the box was damaged.");
        assertFalse(r.flagged());
        assertEquals(KeywordModeration.CATEGORIES, List.copyOf(r.categories().keySet()));
        r.categoryScores().values().forEach(s -> assertEquals(0.0, s));
    }

    @Test
    void flagsEachCategory() {
        assertCategory("I am going to murder him", "violence");
        assertCategory("Sometimes I want to end my life", "self-harm");
        assertCategory("They talk about ethnic cleansing", "hate");
        assertCategory("Nobody likes you, loser", "harassment");
        assertCategory("Send me nudes", "sexual");
    }

    private void assertCategory(String text, String category) {
        KeywordModeration.Result r = moderation.moderate(text);
        assertTrue(r.flagged(), text);
        assertTrue(r.categories().get(category), text + " → " + category);
        assertTrue(r.categoryScores().get(category) >= KeywordModeration.FLAG_AT);
    }

    @Test
    void matchesWholeWordsOnly() {
        assertFalse(moderation.moderate("Her skills in the kitchen are killer; she skilled everyone").flagged());
        assertEquals(0.0, moderation.moderate("Essex is lovely").categoryScores().get("sexual"));
        assertTrue(moderation.moderate("He said KILL, then knife").categories().get("violence"),
                "two suggestive words, any case");
    }

    @Test
    void oneSuggestiveWordScoresButDoesNotFlag() {
        KeywordModeration.Result r = moderation.moderate("Where can I buy a kitchen knife?");
        assertFalse(r.flagged());
        assertEquals(0.4, r.categoryScores().get("violence"), 1e-9);
    }

    @Test
    void fieldsHaveTheModerationShape() {
        Map<String, Object> f = moderation.fields(List.of("hello", "you idiot, shut up"));
        assertEquals(true, f.get("flagged"));
        assertEquals(true, ((Map<?, ?>) f.get("categories")).get("harassment"));
        assertTrue(f.get("categoryScores") instanceof Map<?, ?>);
        assertEquals(2, ((List<?>) f.get("results")).size());
    }
}
