package dev.braid.components.model.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LexiconSentimentTest {

    private final LexiconSentiment sentiment = LexiconSentiment.standard();

    private double score(String text) {
        return sentiment.analyze(text).score();
    }

    private String label(String text) {
        return sentiment.analyze(text).label();
    }

    @Test
    void theLexiconIsLargeAndBounded() {
        assertTrue(sentiment.size() >= 300, "words: " + sentiment.size());
        sentiment.lexicon().values().forEach(v -> assertTrue(v >= -4 && v <= 4, "valence " + v));
        assertEquals(3.0, sentiment.valence("love").orElseThrow());
        assertEquals(-3.0, sentiment.valence("terrible").orElseThrow());
        assertEquals(-2.0, sentiment.valence("broken").orElseThrow());
        assertEquals(-1.0, sentiment.valence("refund").orElseThrow());
        assertEquals(-1.0, sentiment.valence("slow").orElseThrow());
    }

    @Test
    void labelsPositiveNegativeAndNeutral() {
        assertEquals("positive", label("I love this phone, the camera is excellent."));
        assertEquals("negative", label("The delivery was slow and the box arrived broken. I want a refund."));
        assertEquals("neutral", label("The parcel arrived on Tuesday."));
        assertEquals("neutral", label(""));
        assertEquals(0.0, score("The parcel arrived on Tuesday."));
    }

    @Test
    void negationFlipsAndDampens() {
        assertTrue(score("The food was not good") < 0, "not good");
        assertTrue(score("The food was good") > 0);
        assertTrue(Math.abs(score("not good")) < Math.abs(score("good")), "negation dampens");
        assertTrue(score("It wasn't bad at all") > 0, "n't bad");
        assertTrue(score("I have never been happy with them") < 0, "never ... happy within three words");
        assertTrue(score("Service without problems") > 0);
        assertTrue(score("The staff were hardly helpful") < 0);
        assertTrue(score("I can hardly say it was good") > 0, "a negator four words back is out of reach");
        // a comma ends the negation window
        assertTrue(score("Not what I ordered, but great anyway") > 0);
    }

    @Test
    void intensifiersAndDiminishersScaleAWord() {
        assertTrue(score("very good") > score("good"));
        assertTrue(score("extremely good") > score("very good"));
        assertTrue(score("slightly bad") > score("bad"), "slightly softens");
        assertTrue(score("slightly bad") < 0);
        assertTrue(score("not very good") < 0);
    }

    @Test
    void theClauseAfterButWeighsMore() {
        assertEquals("negative", label("The food was great but the service was terrible"));
        assertEquals("positive", label("The room was small and noisy but the staff were wonderful"));
        assertTrue(score("good but bad") < 0 && score("bad but good") > 0);
    }

    @Test
    void exclamationsAndCapitalsAddBoundedEmphasis() {
        assertTrue(score("This is good!") > score("This is good"));
        assertTrue(score("This is good!!") > score("This is good!"));
        assertEquals(score("This is good!!!!"), score("This is good!!!!!!!!"), "at most four count");
        assertTrue(score("This is GOOD") > score("This is good"));
        assertEquals(score("THIS IS GOOD"), score("this is good"), "a shouted text has no word to emphasise");
    }

    @Test
    void scoresStayWithinMinusOneAndOne() {
        String gush = "love love love amazing wonderful perfect excellent best fantastic superb!!!!";
        String rant = "terrible awful horrible worst disgusting useless fraud scam garbage!!!!";
        assertTrue(score(gush) > 0.9 && score(gush) <= 1.0);
        assertTrue(score(rant) < -0.9 && score(rant) >= -1.0);
    }

    @Test
    void severalInputsGetOneResultEach() {
        Map<String, Object> f = sentiment.fields(List.of("I love it", "I hate it"));
        List<?> results = (List<?>) f.get("results");
        assertEquals("positive", ((Map<?, ?>) results.get(0)).get("label"));
        assertEquals("negative", ((Map<?, ?>) results.get(1)).get("label"));
        assertTrue(f.containsKey("label") && f.containsKey("score"));
        assertTrue(!sentiment.fields(List.of("fine")).containsKey("results"));
    }
}
