package dev.braid.components.model.routing;

import dev.braid.components.model.api.ModelException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A kind of failure after which the router retries a target or moves on to the next one
 * ({@code on: [429, 5xx, timeout, connect]}). Failures outside the chosen set end the call at once;
 * failures that are never retryable (a 400 and other refusals of the request itself) end it whatever
 * the set. {@link #AUTH} and {@link #NOT_FOUND} (and a spent account under {@link #RATE_LIMITED})
 * move on to the next target without retrying the same one: it would answer the same.
 */
public enum FallbackTrigger {
    /** The provider answered 429, or its account is out of quota or credit (whatever status it used). */
    RATE_LIMITED("429"),
    /** The provider answered 5xx (a failed connection is {@link #CONNECT}, not this). */
    SERVER_ERROR("5xx"),
    /** The provider answered 408. */
    REQUEST_TIMEOUT("408"),
    /** No answer within the timeout (connect or first byte). */
    TIMEOUT("timeout"),
    /** The provider could not be reached (connection refused or reset). */
    CONNECT("connect"),
    /** The provider refused Braid's credentials for it (401, 403): another target's account may work. */
    AUTH("auth"),
    /** The provider does not serve the model (404), or no provider has that name: another target may. */
    NOT_FOUND("404");

    /** Today's behaviour: every retryable failure triggers. */
    public static final Set<FallbackTrigger> ALL = Set.copyOf(EnumSet.allOf(FallbackTrigger.class));

    /** The names as the pipeline language spells them. */
    public static final List<String> YAML_NAMES = List.of("429", "5xx", "408", "timeout", "connect", "auth", "404");

    private final String yamlName;

    FallbackTrigger(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static FallbackTrigger fromYamlName(String name) {
        for (FallbackTrigger t : values()) {
            if (t.yamlName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown fallback trigger '" + name + "'; expected one of " + YAML_NAMES);
    }

    /** Which trigger a failure is, or null for a failure no trigger covers (it never falls back). */
    public static FallbackTrigger of(ModelException error) {
        if (error instanceof ModelException.ProviderTimeout) {
            return TIMEOUT;
        }
        if (error instanceof ModelException.ModelNotFound) {
            return NOT_FOUND;
        }
        if (error instanceof ModelException.ProviderError pe) {
            if (pe.unreachable()) {
                return CONNECT;
            }
            if (pe.quotaExhausted()) {
                return RATE_LIMITED;
            }
            if (pe.authFailure()) {
                return AUTH;
            }
            int s = pe.upstreamStatus();
            if (s == 429) {
                return RATE_LIMITED;
            }
            if (s == 408) {
                return REQUEST_TIMEOUT;
            }
            if (s >= 500) {
                return SERVER_ERROR;
            }
        }
        return null;
    }

    /** Whether {@code error} may be retried or passed to the next target under {@code triggers}. */
    public static boolean fallsBack(ModelException error, Set<FallbackTrigger> triggers) {
        if (!error.retryable()) {
            return false;
        }
        FallbackTrigger t = of(error);
        return t != null && triggers.contains(t);
    }
}
