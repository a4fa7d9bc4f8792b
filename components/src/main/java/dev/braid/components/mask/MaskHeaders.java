package dev.braid.components.mask;

/** Message headers the {@code mask:} component sets. */
public final class MaskHeaders {

    /** How many values the last {@code mask:mask} call replaced by placeholders (Integer). */
    public static final String MASKED_COUNT = "BraidMaskCount";

    private MaskHeaders() {}
}
