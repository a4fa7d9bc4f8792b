package dev.braid.server.limits;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * What the usage rows (the database, the durable record of every paid call) say was spent in a
 * period: the backstop a missing counter is rebuilt from ({@link Backstop}). Implemented by the
 * usage package; answers are stages, computed off the request threads.
 */
public interface UsageTotals {

    /** Total tokens of the key's requests with {@code from <= occurred < to}. */
    CompletionStage<Long> tokens(String keyId, Instant from, Instant to);

    /** Micro-USD of the requests of a key ({@code key}) or pipeline ({@code pipeline}) with {@code from <= occurred < to}. */
    CompletionStage<Long> costMicros(String scopeKind, String id, Instant from, Instant to);
}
