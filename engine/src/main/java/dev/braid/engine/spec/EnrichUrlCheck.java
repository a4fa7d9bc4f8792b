package dev.braid.engine.spec;

import java.net.URI;
import java.util.Optional;

/**
 * Judges an enrich step's URL at validation time when its scheme and host are literal (no
 * template): a deploy of {@code url: http://169.254.169.254/…} fails with line and column instead
 * of failing every request. The server supplies its SSRF rules and allowlist; {@link #NONE}
 * accepts every URL (the runtime's {@code EnrichTargetPolicy} still checks each call).
 */
@FunctionalInterface
public interface EnrichUrlCheck {

    EnrichUrlCheck NONE = url -> Optional.empty();

    /** Why {@code url} may never be called (shown to the integrator), or empty when it may. */
    Optional<String> refusal(URI url);
}
