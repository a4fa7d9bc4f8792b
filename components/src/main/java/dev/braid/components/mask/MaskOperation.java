package dev.braid.components.mask;

import java.util.Locale;

/**
 * What a {@code mask:} endpoint does, named by its path: {@code mask:mask}, {@code mask:restore} or
 * {@code mask:output}.
 */
public enum MaskOperation {
    /** Replace detected values by placeholders, remembering them in the request's {@link MaskVault}. */
    MASK,
    /** Put the originals back, using the request's {@link MaskVault}. */
    RESTORE,
    /**
     * Replace detected values in what goes back to the caller by placeholders of the request's
     * output vault ({@link MaskVault#outputVault()}), which are never restored.
     */
    OUTPUT;

    static MaskOperation fromPath(String path) {
        for (MaskOperation op : values()) {
            if (op.name().toLowerCase(Locale.ROOT).equals(path)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown mask operation '" + path + "'; use mask:mask, mask:restore or mask:output");
    }
}
