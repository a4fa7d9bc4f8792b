package dev.braid.components.model.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Rule-based sentiment over Braid's own word list ({@code sentiment-lexicon.tsv}, valences in
 * [-4, 4]). Rules, in the order they apply to each scored word:
 * <ul>
 *   <li>ALL-CAPS emphasis (×1.25) when the text is not all capitals anyway;</li>
 *   <li>an intensifier or diminisher up to two words before ({@code very} ×1.3, {@code extremely} ×1.5,
 *       {@code slightly} ×0.5, …);</li>
 *   <li>a negator up to three words before, within the clause ({@code not}, {@code never}, {@code no},
 *       {@code …n't}, {@code without}, {@code hardly}, …) flips the sign and dampens by ×0.75;</li>
 *   <li>in a sentence with {@code but}, words before it count ×0.5 and words after it ×1.5.</li>
 * </ul>
 * Exclamation marks (at most four) add 0.3 each to the magnitude. The sum {@code s} is normalised to
 * {@code s / sqrt(s² + 15)} in [-1, 1]; above 0.05 is positive, below -0.05 negative, else neutral.
 */
public final class LexiconSentiment {

    public static final String RESOURCE = "/dev/braid/components/model/local/sentiment-lexicon.tsv";
    public static final double THRESHOLD = 0.05;

    /** One analysis: {@code label} positive, negative or neutral, {@code score} in [-1, 1]. */
    public record Result(String label, double score) {
        public Map<String, Object> toFields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("label", label);
            f.put("score", score);
            return f;
        }
    }

    private static final Set<String> NEGATORS = Set.of(
            "not", "no", "never", "without", "hardly", "barely", "scarcely", "cannot", "neither", "nor",
            "nothing", "nobody", "none", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent",
            "cant", "couldnt", "wont", "wouldnt", "shouldnt", "havent", "hasnt", "aint");

    private static final Map<String, Double> MODIFIERS = Map.ofEntries(
            Map.entry("very", 1.3), Map.entry("really", 1.3), Map.entry("extremely", 1.5),
            Map.entry("incredibly", 1.5), Map.entry("exceptionally", 1.5), Map.entry("utterly", 1.5),
            Map.entry("absolutely", 1.4), Map.entry("completely", 1.4), Map.entry("totally", 1.3),
            Map.entry("super", 1.3), Map.entry("highly", 1.3), Map.entry("truly", 1.3),
            Map.entry("remarkably", 1.3), Map.entry("so", 1.2), Map.entry("too", 1.2),
            Map.entry("especially", 1.2), Map.entry("quite", 1.1),
            Map.entry("slightly", 0.5), Map.entry("somewhat", 0.5), Map.entry("marginally", 0.5),
            Map.entry("little", 0.6), Map.entry("bit", 0.6), Map.entry("kinda", 0.6), Map.entry("sorta", 0.6),
            Map.entry("fairly", 0.8), Map.entry("rather", 0.8));

    private static final double CAPS = 1.25;
    private static final double NEGATION = -0.75;
    private static final double BEFORE_BUT = 0.5;
    private static final double AFTER_BUT = 1.5;
    private static final double EXCLAMATION = 0.3;
    private static final int MAX_EXCLAMATIONS = 4;
    private static final double NORMALISER = 15.0;

    private static volatile LexiconSentiment standard;

    private final Map<String, Double> lexicon;

    private LexiconSentiment(Map<String, Double> lexicon) {
        this.lexicon = Map.copyOf(lexicon);
    }

    /** The analyser over the shipped lexicon (loaded once). */
    public static LexiconSentiment standard() {
        LexiconSentiment s = standard;
        if (s == null) {
            synchronized (LexiconSentiment.class) {
                if (standard == null) {
                    standard = new LexiconSentiment(load());
                }
                s = standard;
            }
        }
        return s;
    }

    /** An analyser over a given lexicon (lower-case words → valence). */
    public static LexiconSentiment of(Map<String, Double> lexicon) {
        return new LexiconSentiment(lexicon);
    }

    public int size() {
        return lexicon.size();
    }

    public Map<String, Double> lexicon() {
        return lexicon;
    }

    public OptionalDouble valence(String word) {
        Double v = lexicon.get(word.toLowerCase(Locale.ROOT));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /**
     * Task fields for a sentiment request: {@code label} and {@code score} of all inputs read as one
     * text, plus {@code results} (one {@code {label, score}} per input) when there are several.
     */
    public Map<String, Object> fields(List<String> inputs) {
        Map<String, Object> f = new LinkedHashMap<>(analyze(String.join("\n", inputs)).toFields());
        if (inputs.size() > 1) {
            f.put("results", inputs.stream().map(i -> analyze(i).toFields()).toList());
        }
        return f;
    }

    public Result analyze(String text) {
        List<TextTokens.Token> tokens = TextTokens.of(text);
        boolean shouting = text != null && text.chars().anyMatch(Character::isLetter)
                && text.equals(text.toUpperCase(Locale.ROOT));
        double sum = 0;
        int exclamations = 0;
        int sentenceStart = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            boolean end = i == tokens.size() || isSentenceEnd(tokens.get(i).text());
            if (end) {
                sum += sentence(tokens.subList(sentenceStart, i), shouting);
                sentenceStart = i + 1;
                if (i < tokens.size() && tokens.get(i).text().equals("!")) {
                    exclamations++;
                }
            }
        }
        if (sum != 0) {
            sum += Math.signum(sum) * EXCLAMATION * Math.min(exclamations, MAX_EXCLAMATIONS);
        }
        double score = sum / Math.sqrt(sum * sum + NORMALISER);
        score = Math.round(score * 10_000) / 10_000.0;
        String label = score > THRESHOLD ? "positive" : score < -THRESHOLD ? "negative" : "neutral";
        return new Result(label, score);
    }

    private static boolean isSentenceEnd(String t) {
        return t.equals(".") || t.equals("!") || t.equals("?") || t.equals(";");
    }

    private double sentence(List<TextTokens.Token> tokens, boolean shouting) {
        int but = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).word() && tokens.get(i).lower().equals("but")) {
                but = i;
            }
        }
        double sum = 0;
        for (int i = 0; i < tokens.size(); i++) {
            TextTokens.Token t = tokens.get(i);
            if (!t.word()) {
                continue;
            }
            Double base = lexicon.get(t.lower());
            if (base == null) {
                continue;
            }
            double v = base;
            if (!shouting && t.text().length() > 1 && t.text().equals(t.text().toUpperCase(Locale.ROOT))) {
                v *= CAPS;
            }
            // modifiers up to two words back, negators up to three, never across a comma or colon
            for (int back = 1; back <= 3 && i - back >= 0; back++) {
                TextTokens.Token prev = tokens.get(i - back);
                if (!prev.word()) {
                    break;
                }
                String p = prev.lower();
                Double factor = MODIFIERS.get(p);
                if (factor != null && back <= 2) {
                    v *= factor;
                }
                if (isNegator(p)) {
                    v *= NEGATION;
                    break;
                }
            }
            if (but >= 0) {
                v *= i < but ? BEFORE_BUT : AFTER_BUT;
            }
            sum += v;
        }
        return sum;
    }

    private static boolean isNegator(String word) {
        return NEGATORS.contains(word) || word.endsWith("n't");
    }

    private static Map<String, Double> load() {
        Map<String, Double> map = new HashMap<>();
        try (InputStream in = LexiconSentiment.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                map.put(parts[0].toLowerCase(Locale.ROOT), Double.parseDouble(parts[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return map;
    }
}
