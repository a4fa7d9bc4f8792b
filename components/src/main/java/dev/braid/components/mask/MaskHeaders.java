package dev.braid.components.mask;

import org.apache.camel.spi.Metadata;

/** Message headers the {@code mask:} component sets. */
public final class MaskHeaders {

    /** How many values the last {@code mask:mask} call replaced by placeholders (Integer). */
    @Metadata(description = "How many values the last mask:mask call replaced by placeholders (Integer).", javaType = "Integer")
    public static final String MASKED_COUNT = "BraidMaskCount";

    private MaskHeaders() {}
}
