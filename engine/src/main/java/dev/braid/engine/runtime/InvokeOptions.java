package dev.braid.engine.runtime;

/**
 * Per-invocation options.
 *
 * @param version a pinned version, or null for the active one
 * @param requestId the caller's request id (used as the envelope id), or null to generate one
 */
public record InvokeOptions(Integer version, String requestId) {

    public static final InvokeOptions DEFAULTS = new InvokeOptions(null, null);
}
