package dev.braid.components.model.api;


import java.time.Duration;

/**
 * Why a model call failed. Messages never carry credentials or raw provider bodies.
 * {@link #status()} is the HTTP status Braid answers with.
 */
public abstract sealed class ModelException extends RuntimeException
        permits ModelException.ProviderError, ModelException.ProviderTimeout, ModelException.ModelNotFound,
        ModelException.UnsupportedParameter {

    protected ModelException(String message) {
        super(message, null, false, false);
    }

    public abstract int status();

    public abstract String code();

    /** Whether another attempt or another target may succeed. */
    public abstract boolean retryable();

    /**
     * Whether another attempt at the same target may succeed; false where only another target can
     * (a provider account out of quota or credit answers the same until someone pays).
     */
    public boolean retryOnSameTarget() {
        return retryable();
    }

    /** An error answer from a provider. 429 stays 429, 5xx becomes 502, 4xx stays as is. */
    public static final class ProviderError extends ModelException {
        private final String provider;
        private final int upstreamStatus;
        private final Duration retryAfter;
        private final boolean unreachable;
        private final boolean quotaExhausted;

        public ProviderError(String provider, int upstreamStatus, String message, Duration retryAfter) {
            this(provider, upstreamStatus, message, retryAfter, false, false);
        }

        private ProviderError(String provider, int upstreamStatus, String message, Duration retryAfter,
                boolean unreachable, boolean quotaExhausted) {
            super(message);
            this.provider = provider;
            this.upstreamStatus = upstreamStatus;
            this.retryAfter = retryAfter;
            this.unreachable = unreachable;
            this.quotaExhausted = quotaExhausted;
        }

        /** The provider could not be reached at all (answers 502 like a 503 from upstream). */
        public static ProviderError unreachable(String provider, String message) {
            return new ProviderError(provider, 503, message, null, true, false);
        }

        /**
         * The provider account behind the target is out of quota or credit (OpenAI 429
         * {@code insufficient_quota}, Anthropic billing errors): the same target answers the same
         * until someone pays, so it is not retried, but the next target is tried. Answers 502
         * {@code provider_quota_exhausted}: not the caller's fault, and no Retry-After would help.
         */
        public static ProviderError quotaExhausted(String provider, int upstreamStatus, String message) {
            return new ProviderError(provider, upstreamStatus, message, null, false, true);
        }

        /** Whether the provider account is out of quota or credit (see {@link #quotaExhausted(String, int, String)}). */
        public boolean quotaExhausted() {
            return quotaExhausted;
        }

        /** Whether no connection was made: {@link dev.braid.components.model.routing.FallbackTrigger#CONNECT} rather than a 5xx. */
        public boolean unreachable() {
            return unreachable;
        }

        public String provider() {
            return provider;
        }

        public int upstreamStatus() {
            return upstreamStatus;
        }

        /** Retry-After the provider asked for, or null. */
        public Duration retryAfter() {
            return retryAfter;
        }

        /**
         * 429 stays 429; a provider rejecting Braid's own credentials (401, 403) is not the caller's
         * fault and answers 502; other 4xx (content policy, bad parameter) pass through; the rest is 502.
         */
        @Override
        public int status() {
            if (quotaExhausted) {
                return 502;
            }
            if (upstreamStatus == 429) {
                return 429;
            }
            if (authFailure()) {
                return 502;
            }
            return upstreamStatus >= 400 && upstreamStatus < 500 ? upstreamStatus : 502;
        }

        @Override
        public String code() {
            if (quotaExhausted) {
                return "provider_quota_exhausted";
            }
            if (upstreamStatus == 429) {
                return "provider_rate_limited";
            }
            return authFailure() ? "provider_auth_failed" : "provider_error";
        }

        /** The provider refused Braid's credentials (401, 403): another target may work, this one will not. */
        public boolean authFailure() {
            return upstreamStatus == 401 || upstreamStatus == 403;
        }

        @Override
        public boolean retryable() {
            return quotaExhausted || authFailure() || upstreamStatus == 429 || upstreamStatus >= 500
                    || upstreamStatus == 408;
        }

        @Override
        public boolean retryOnSameTarget() {
            return retryable() && !quotaExhausted && !authFailure();
        }
    }

    /** The provider did not answer within the target's timeout. */
    public static final class ProviderTimeout extends ModelException {
        public ProviderTimeout(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 504;
        }

        @Override
        public String code() {
            return "provider_timeout";
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** No provider by that name, or the provider does not serve that model or task. */
    public static final class ModelNotFound extends ModelException {
        public ModelNotFound(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 404;
        }

        @Override
        public String code() {
            return "model_not_found";
        }

        /** Another target may serve it ({@code on: [404]}, on by default); this one never will. */
        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public boolean retryOnSameTarget() {
            return false;
        }
    }

    /**
     * The chosen target cannot honour a request field (a {@code seed} for Anthropic, {@code dimensions}
     * for a model without shortened vectors): 400 {@code unsupported_parameter} naming {@code param}
     * in the calling door's spelling. Nothing is dropped silently. Not a fallback trigger: the
     * caller asked for something this target cannot do, and an answer that ignored it would be wrong.
     */
    public static final class UnsupportedParameter extends ModelException {
        private final String param;

        public UnsupportedParameter(String param, String message) {
            super(message);
            this.param = param;
        }

        /** {@code param} for a target that cannot take it, with a message naming both. */
        public static UnsupportedParameter of(String param, String provider) {
            return new UnsupportedParameter(param, "'" + param + "' is not supported by provider '" + provider + "'");
        }

        public String param() {
            return param;
        }

        @Override
        public int status() {
            return 400;
        }

        @Override
        public String code() {
            return "unsupported_parameter";
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }
}
