package dev.braid.components.mask;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An entity defined by the integrator as a Java regular expression ({@link MaskPolicy#customPatterns()}).
 * The pattern is compiled once, when the policy's {@link Masker} is built; empty matches are ignored.
 * Catastrophic backtracking in a custom pattern is the integrator's responsibility.
 */
record CustomPatternDetector(String entity, Pattern pattern) implements Detector {

    static CustomPatternDetector of(String name, String regex) {
        String entity = Masker.entityName(name);
        if (regex == null || regex.isEmpty()) {
            throw new IllegalArgumentException("custom mask entity '" + entity + "' has no pattern");
        }
        try {
            return new CustomPatternDetector(entity, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            // the description says what is wrong without repeating the pattern in full
            throw new IllegalArgumentException(
                    "custom mask entity '" + entity + "' has an invalid pattern: " + e.getDescription()
                            + " near index " + e.getIndex());
        }
    }

    /** How far back a stream looks for a match that is still open; a longer custom match may be cut. */
    static final int MAX_OPEN = 1024;

    @Override
    public int scan(String text, int from, List<Span> out, boolean open) {
        int n = text.length();
        // anchoring bounds off: ^ and $ keep meaning the text's own start and end, not the region's
        Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false).region(from, n);
        int unstable = n;
        int searchFrom = from;
        while (m.find()) {
            if (open && m.hitEnd() && unstable == n) {
                unstable = firstOpen(text, searchFrom, m.start());
            }
            if (m.end() > m.start()) {
                out.add(new Span(m.start(), m.end(), entity));
            }
            searchFrom = m.end() > m.start() ? m.end() : m.end() + 1;
        }
        if (open && m.hitEnd() && unstable == n) {
            unstable = firstOpen(text, searchFrom, n - 1);
        }
        return unstable;
    }

    /** The first position in {@code [from, last]} where an attempt reads to the end of {@code text}. */
    private int firstOpen(String text, int from, int last) {
        int n = text.length();
        Matcher probe = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        for (int p = Math.max(from, n - MAX_OPEN); p <= last && p < n; p++) {
            probe.region(p, n).lookingAt();
            if (probe.hitEnd()) {
                return p;
            }
        }
        // only an attempt at the very end, or one too far back to hold, read to the end
        return n;
    }
}
