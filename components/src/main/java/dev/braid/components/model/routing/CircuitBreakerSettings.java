package dev.braid.components.model.routing;

import dev.braid.components.model.api.ModelException;
import java.time.Duration;

/**
 * How the {@link ModelRouter} trips the circuit of one target ({@code provider/model}): once at least
 * {@code minimumCalls} of the last {@code slidingWindowSize} calls were made and
 * {@code failureRatePercent} of them failed, the circuit opens and every strategy skips the target for
 * {@code waitInOpenState}; then {@code permittedCallsInHalfOpen} trial calls decide whether it closes
 * again or reopens.
 *
 * <p>Only failures that say something about the target's health count: 5xx, 408, timeouts,
 * connection failures, an account out of quota or credit and, when {@code countRateLimits} (the
 * default), 429. Caller errors (400, 401,
 * 404 …) neither count as failures nor as successes.
 *
 * @param enabled false turns circuits off: every target is always tried
 * @param failureRatePercent the failure rate, in percent of the window, that opens the circuit
 * @param minimumCalls calls needed in the window before the rate is judged at all
 * @param slidingWindowSize the number of most recent calls the rate is computed over
 * @param waitInOpenState the cool-down: how long an open circuit skips its target
 * @param permittedCallsInHalfOpen trial calls let through after the cool-down
 * @param countRateLimits whether 429 answers count as failures
 */
public record CircuitBreakerSettings(
        boolean enabled,
        float failureRatePercent,
        int minimumCalls,
        int slidingWindowSize,
        Duration waitInOpenState,
        int permittedCallsInHalfOpen,
        boolean countRateLimits) {

    /** 50 % of the last 20 calls (at least 10 made), open 30 s, 3 trial calls, 429 counts. */
    public static final CircuitBreakerSettings DEFAULTS =
            new CircuitBreakerSettings(true, 50f, 10, 20, Duration.ofSeconds(30), 3, true);

    /** No circuits: every target is always tried. */
    public static final CircuitBreakerSettings DISABLED =
            new CircuitBreakerSettings(false, 50f, 10, 20, Duration.ofSeconds(30), 3, true);

    public CircuitBreakerSettings {
        if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
            throw new IllegalArgumentException("failureRatePercent must be in (0, 100]");
        }
        if (minimumCalls < 1 || slidingWindowSize < 1 || permittedCallsInHalfOpen < 1) {
            throw new IllegalArgumentException("minimumCalls, slidingWindowSize and permittedCallsInHalfOpen must be >= 1");
        }
        if (waitInOpenState == null || waitInOpenState.isNegative() || waitInOpenState.isZero()) {
            throw new IllegalArgumentException("waitInOpenState must be > 0");
        }
    }

    /** Whether a failed call counts against the target's circuit. */
    public boolean countsAsFailure(ModelException error) {
        if (error instanceof ModelException.ProviderTimeout) {
            return true;
        }
        if (error instanceof ModelException.ProviderError pe) {
            if (pe.quotaExhausted() || pe.authFailure()) {
                return true; // a spent account or a refused key fails every call until someone acts: skip it
            }
            return pe.upstreamStatus() == 429 ? countRateLimits : pe.retryable();
        }
        return false; // ModelNotFound: the caller asked for something that does not exist
    }
}
