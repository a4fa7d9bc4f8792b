package dev.braid.components.model.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keyword moderation over Braid's own lists ({@code moderation-keywords.tsv}): categories violence,
 * self-harm, hate, harassment and sexual. Phrases match whole words only ({@code skill} never
 * matches {@code kill}). A category's score is {@code 1 - Π(1 - weight)} over its distinct matched
 * phrases; it is flagged at 0.5 or more, and the text is flagged when any category is.
 */
public final class KeywordModeration {

    public static final String RESOURCE = "/dev/braid/components/model/local/moderation-keywords.tsv";
    public static final List<String> CATEGORIES = List.of("violence", "self-harm", "hate", "harassment", "sexual");
    public static final double FLAG_AT = 0.5;

    /** One listed phrase, as lower-case words. */
    public record Entry(String category, double weight, List<String> words) {}

    /** {@code categories}: name → flagged; {@code categoryScores}: name → score in [0, 1]. */
    public record Result(boolean flagged, Map<String, Boolean> categories, Map<String, Double> categoryScores) {
        public Map<String, Object> toFields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("flagged", flagged);
            f.put("categories", categories);
            f.put("categoryScores", categoryScores);
            return f;
        }
    }

    private static volatile KeywordModeration standard;

    private final List<Entry> entries;

    private KeywordModeration(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static KeywordModeration standard() {
        KeywordModeration m = standard;
        if (m == null) {
            synchronized (KeywordModeration.class) {
                if (standard == null) {
                    standard = new KeywordModeration(load());
                }
                m = standard;
            }
        }
        return m;
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Task fields for a moderation request: {@code flagged}, {@code categories} and
     * {@code categoryScores} of all inputs read as one text, plus {@code results} per input when
     * there are several.
     */
    public Map<String, Object> fields(List<String> inputs) {
        Map<String, Object> f = new LinkedHashMap<>(moderate(String.join("\n", inputs)).toFields());
        if (inputs.size() > 1) {
            f.put("results", inputs.stream().map(i -> moderate(i).toFields()).toList());
        }
        return f;
    }

    public Result moderate(String text) {
        List<String> words = TextTokens.lowerWords(text);
        Map<String, Set<List<String>>> matched = new LinkedHashMap<>();
        Map<String, Double> keep = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            keep.put(c, 1.0);
            matched.put(c, new LinkedHashSet<>());
        }
        for (Entry e : entries) {
            if (contains(words, e.words()) && matched.get(e.category()).add(e.words())) {
                keep.merge(e.category(), 1.0 - e.weight(), (a, b) -> a * b);
            }
        }
        Map<String, Boolean> categories = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        boolean flagged = false;
        for (String c : CATEGORIES) {
            double score = Math.round((1.0 - keep.get(c)) * 10_000) / 10_000.0;
            scores.put(c, score);
            boolean hit = score >= FLAG_AT;
            categories.put(c, hit);
            flagged |= hit;
        }
        return new Result(flagged, categories, scores);
    }

    private static boolean contains(List<String> words, List<String> phrase) {
        outer:
        for (int i = 0; i + phrase.size() <= words.size(); i++) {
            for (int j = 0; j < phrase.size(); j++) {
                if (!words.get(i + j).equals(phrase.get(j))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static List<Entry> load() {
        List<Entry> list = new ArrayList<>();
        try (InputStream in = KeywordModeration.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t");
                if (!CATEGORIES.contains(parts[0])) {
                    throw new IllegalStateException("unknown moderation category '" + parts[0] + "'");
                }
                list.add(new Entry(parts[0], Double.parseDouble(parts[1]), TextTokens.lowerWords(parts[2])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return list;
    }
}
