package dev.braid.components.mask;

import java.util.Locale;

/** What a {@code mask:} endpoint does, named by its path: {@code mask:mask} or {@code mask:restore}. */
public enum MaskOperation {
    /** Replace detected values by placeholders, remembering them in the request's {@link MaskVault}. */
    MASK,
    /** Put the originals back, using the request's {@link MaskVault}. */
    RESTORE;

    static MaskOperation fromPath(String path) {
        for (MaskOperation op : values()) {
            if (op.name().toLowerCase(Locale.ROOT).equals(path)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown mask operation '" + path + "'; use mask:mask or mask:restore");
    }
}
