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

    @Override
    public void find(String text, List<Span> out) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() > m.start()) {
                out.add(new Span(m.start(), m.end(), entity));
            }
        }
    }
}
