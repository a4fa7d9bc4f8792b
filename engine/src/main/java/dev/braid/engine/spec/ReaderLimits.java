package dev.braid.engine.spec;

/**
 * Hard limits the YAML reader enforces before it builds anything, so hostile documents fail fast.
 *
 * @param maxBytes the largest document accepted, in UTF-8 bytes
 * @param maxDepth the deepest nesting of maps and lists accepted
 * @param maxAliases the most {@code *alias} references accepted in one document
 */
public record ReaderLimits(int maxBytes, int maxDepth, int maxAliases) {

    /** 256 KiB is ~50x the largest shipped pipeline; 64 levels is far past any real pipeline (~12). */
    public static final ReaderLimits DEFAULTS = new ReaderLimits(256 * 1024, 64, 20);

    public ReaderLimits {
        if (maxBytes <= 0 || maxDepth <= 0 || maxAliases < 0) {
            throw new IllegalArgumentException("reader limits must be positive");
        }
    }
}
