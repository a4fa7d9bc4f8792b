package dev.braid.engine.runtime;

import java.util.function.Consumer;

/**
 * Per-invocation options.
 *
 * @param version a pinned version, or null for the active one
 * @param requestId the caller's request id (used as the envelope id), or null to generate one
 * @param onFailure receives what a failed invocation did before it failed (the steps that finished,
 *     with their usage and cost, and a null output) just before the stage fails, so the caller can
 *     record and bill it: a provider bills an earlier step even when a later one fails. May be null.
 */
public record InvokeOptions(Integer version, String requestId, Consumer<InvocationResult> onFailure) {

    public static final InvokeOptions DEFAULTS = new InvokeOptions(null, null);

    public InvokeOptions(Integer version, String requestId) {
        this(version, requestId, null);
    }
}
