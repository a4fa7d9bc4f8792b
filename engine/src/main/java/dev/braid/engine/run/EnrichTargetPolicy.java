package dev.braid.engine.run;

import java.net.URI;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether an enrich step may call a target. The runtime has already checked that the
 * scheme is http or https; this is the seam for SSRF rules (loopback, private, link-local and
 * metadata addresses after DNS resolution, with an allowlist from server config), which the server
 * supplies. {@link #ALLOW_ALL} is for tests and embedded use where every target is trusted.
 *
 * <p>The answer is a stage so a policy can resolve DNS without blocking the invocation thread.
 */
@FunctionalInterface
public interface EnrichTargetPolicy {

    EnrichTargetPolicy ALLOW_ALL = uri -> java.util.concurrent.CompletableFuture.completedFuture(null);

    /**
     * Completes normally when {@code target} may be called, exceptionally (with a short reason
     * safe to show callers, e.g. an {@link InvocationException.StepFailed}) when it may not.
     */
    CompletionStage<Void> check(URI target);
}
