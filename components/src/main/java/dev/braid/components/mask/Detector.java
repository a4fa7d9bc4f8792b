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
    void find(String text, List<Span> out);

    /** A validated match: {@code [start, end)} in the scanned text. */
    record Span(int start, int end, String entity) {

        int length() {
            return end - start;
        }
    }
}
