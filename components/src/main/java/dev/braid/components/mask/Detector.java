package dev.braid.components.mask;

import java.util.List;

/**
 * Finds one kind of sensitive value in a text. The closed set is the built-in {@link MaskEntity}
 * detectors plus integrator-supplied {@link CustomPatternDetector}s.
 */
sealed interface Detector permits MaskEntity, CustomPatternDetector {

    /** The entity name used in placeholders ({@code <NAME_1>}). */
    String entity();

    /** Appends every validated match in {@code text} to {@code out}; one left-to-right pass. */
    default void find(String text, List<Span> out) {
        scan(text, 0, out, false);
    }

    /**
     * Appends every validated match starting at or after {@code from} to {@code out}, scanning as a
     * pass over the whole text would from there (look-behinds see the text before {@code from}).
     *
     * @param open whether more text may still follow (a stream)
     * @return with {@code open}, the earliest position at or after {@code from} whose result could
     *     still change when more text arrives (a match that may grow, or a value that may begin
     *     there); otherwise, or when there is none, {@code text.length()}
     */
    int scan(String text, int from, List<Span> out, boolean open);

    /** A validated match: {@code [start, end)} in the scanned text. */
    record Span(int start, int end, String entity) {

        int length() {
            return end - start;
        }
    }
}
