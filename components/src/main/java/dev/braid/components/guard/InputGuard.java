package dev.braid.components.guard;

import dev.braid.components.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Applies a {@link GuardPolicy} to a value: a String, or Maps/Lists holding Strings (all strings
 * are checked, sizes summed). Checks run cheapest first (characters, tokens, then the injection
 * heuristic), so an oversized input is refused before it is tokenised or scanned.
 *
 * <p>Messages name the rule and the limit, never the user's text.
 */
public final class InputGuard {

    /** Rule names, as reported in {@link GuardBlockedException#rule()} and {@link GuardVerdict#rules()}. */
    public static final String MAX_INPUT_CHARS = "max_input_chars";

    public static final String MAX_INPUT_TOKENS = "max_input_tokens";

    public static final String PROMPT_INJECTION = "prompt_injection";

    private final PromptInjectionDetector detector;
    private final Supplier<TokenCounter> tokens;

    public InputGuard(PromptInjectionDetector detector, TokenCounter tokens) {
        this(detector, () -> tokens);
    }

    private InputGuard(PromptInjectionDetector detector, Supplier<TokenCounter> tokens) {
        this.detector = detector;
        this.tokens = tokens;
    }

    /**
     * The guard with the standard detector and the {@code o200k_base} token counter, taken when a
     * check first counts (not here: building the guard must not wait for the encoding to load).
     */
    public static InputGuard standard() {
        return new InputGuard(PromptInjectionDetector.standard(), (Supplier<TokenCounter>) TokenCounter::standard);
    }

    /**
     * Checks {@code value} against {@code policy}.
     *
     * @return the verdict when nothing blocks
     * @throws GuardBlockedException when a limit is exceeded or a BLOCK rule matches
     * @throws IllegalArgumentException when the value holds something other than text, numbers,
     *     booleans, maps and lists
     */
    public GuardVerdict check(GuardPolicy policy, Object value) {
        List<String> texts = new ArrayList<>();
        collect(value, texts, 0);

        if (policy.maxInputChars() != null) {
            long chars = 0;
            for (String t : texts) {
                chars += t.codePointCount(0, t.length());
            }
            if (chars > policy.maxInputChars()) {
                throw new GuardBlockedException(MAX_INPUT_CHARS, "guard blocked the input: rule " + MAX_INPUT_CHARS
                        + " (" + chars + " characters, limit " + policy.maxInputChars() + ")");
            }
        }
        if (policy.maxInputTokens() != null) {
            long count = 0;
            for (String t : texts) {
                count += tokens.get().count(t);
            }
            if (count > policy.maxInputTokens()) {
                throw new GuardBlockedException(MAX_INPUT_TOKENS, "guard blocked the input: rule " + MAX_INPUT_TOKENS
                        + " (" + count + " tokens, limit " + policy.maxInputTokens() + ")");
            }
        }
        if (policy.promptInjection() == GuardAction.OFF) {
            return new GuardVerdict(false, 0, List.of());
        }
        double score = 0;
        List<String> signals = new ArrayList<>();
        for (String t : texts) {
            PromptInjectionDetector.Detection d = detector.analyse(t);
            score = Math.max(score, d.score());
            for (String s : d.signals()) {
                if (!signals.contains(s)) {
                    signals.add(s);
                }
            }
        }
        if (score < PromptInjectionDetector.THRESHOLD) {
            return new GuardVerdict(false, score, List.of());
        }
        return switch (policy.promptInjection()) {
            case BLOCK -> throw new GuardBlockedException(PROMPT_INJECTION, String.format(Locale.ROOT,
                    "guard blocked the input: rule %s (score %.2f, threshold %.2f; signals: %s)", PROMPT_INJECTION,
                    score, PromptInjectionDetector.THRESHOLD, String.join(", ", signals)));
            case FLAG -> new GuardVerdict(true, score, List.of(PROMPT_INJECTION));
            case OFF -> new GuardVerdict(false, score, List.of());
        };
    }

    /**
     * Every string in {@code value} (a String, or Maps/Lists holding Strings), in order: what the
     * checks look at, and what a classifier is shown.
     *
     * @throws IllegalArgumentException as {@link #check} does
     */
    public static List<String> texts(Object value) {
        List<String> texts = new ArrayList<>();
        collect(value, texts, 0);
        return texts;
    }

    private static void collect(Object value, List<String> out, int depth) {
        if (depth > 64) {
            throw new IllegalArgumentException("value nested deeper than 64 levels");
        }
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return;
        }
        if (value instanceof CharSequence s) {
            out.add(s.toString());
        } else if (value instanceof Map<?, ?> map) {
            for (Object v : map.values()) {
                collect(v, out, depth + 1);
            }
        } else if (value instanceof Collection<?> items) {
            for (Object v : items) {
                collect(v, out, depth + 1);
            }
        } else {
            throw new IllegalArgumentException("cannot check a value of type " + value.getClass().getName()
                    + "; expected a String, or Maps/Lists holding Strings");
        }
    }
}
