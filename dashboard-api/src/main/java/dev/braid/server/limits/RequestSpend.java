package dev.braid.server.limits;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.Usage;
import dev.braid.components.tokens.TokenCounter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * What one request spends, settled exactly once when its answer ends — the one place every path
 * (plain answers, invoke streams, chat streams, embeddings) ends its reservation and counts its
 * tokens toward the key's {@code tokensPerDay}:
 * <ul>
 *   <li>{@link #settle}: the call completed; its usage is the actual cost and token count;
 *   <li>{@link #release}: it failed before anything was produced (providers bill no failed call);
 *   <li>{@link #failed}: a call or invocation failed: what its finished steps used (exact: a
 *       provider bills an earlier step even when a later one fails), plus, when a stream broke or
 *       its client left mid-way, the interrupted call estimated from the tokens seen; never above
 *       the reservation (a stream that completes settles with its usage, like any call).
 * </ul>
 * Opened by {@link BudgetGate#open} for each paid call ({@code calls.MeteredCalls} holds it for the
 * call's length and ends it on every outcome). Ledger and quota writes are fire and forget (Redis
 * answers asynchronously), so ending never blocks the thread that ends it.
 */
public final class RequestSpend {

    private final SpendLedger ledger;
    /** Toward the key's tokensPerDay; null when the key has no quota. */
    private final LongConsumer tokens;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicLong seen = new AtomicLong();
    private volatile SpendLedger.Reservation reservation;
    /** Completion tokens seen → the usage of what was produced (set by the budget gate). */
    private volatile LongFunction<Usage> estimate;
    private volatile TokenCounter counter = TokenCounter.standard();

    private RequestSpend(SpendLedger ledger, LongConsumer tokens) {
        this.ledger = ledger;
        this.tokens = tokens;
    }

    static RequestSpend open(SpendLedger ledger, LongConsumer tokens) {
        return new RequestSpend(ledger, tokens);
    }

    void reserved(SpendLedger.Reservation r) {
        this.reservation = r;
    }

    void estimateWith(LongFunction<Usage> estimate, TokenCounter counter) {
        this.estimate = estimate;
        this.counter = counter;
    }

    /** Whether anything is metered: a reservation to settle or tokens to count. */
    private boolean metered() {
        return !ended.get() && (reservation != null || tokens != null);
    }

    /** Counts a streamed piece toward the estimate of what was produced (used if the stream ends early). */
    public void produced(String text) {
        if (text != null && !text.isEmpty() && metered()) {
            seen.addAndGet(counter.count(text));
        }
    }

    public void produced(ModelDelta delta) {
        if (delta instanceof ModelDelta.Text t) {
            produced(t.text());
        } else if (delta instanceof ModelDelta.ToolCallFragment f) {
            produced(f.name());
            produced(f.argumentsFragment());
        }
    }

    /** The call completed: its usage is what it cost and the tokens it used. */
    public void settle(Usage usage) {
        Usage u = usage == null ? Usage.ZERO : usage;
        end(SpendLedger.micros(u.costUsd()), u.totalTokens());
    }

    /** The call failed before anything was produced: nothing is owed. */
    public void release() {
        end(0, 0);
    }

    /**
     * The call failed. {@code finished} is what its finished steps used (a pipeline's, from
     * {@code InvokeOptions.onFailure}; null for a single model call, whose failed attempts are not
     * billed). When a stream had started ({@code streamStarted}) or tokens were seen, the interrupted
     * call produced something and is billed too, estimated from the tokens seen (its provider usage
     * never arrived), never 0. The total never exceeds the reservation.
     */
    public void failed(Usage finished, boolean streamStarted) {
        Usage total = finished == null ? Usage.ZERO : finished;
        long tokensSeen = seen.get();
        boolean interrupted = streamStarted || tokensSeen > 0;
        if (interrupted) {
            LongFunction<Usage> e = estimate;
            total = total.plus(e != null ? e.apply(tokensSeen) : Usage.of(0, tokensSeen, 0, true));
        }
        long micros = SpendLedger.micros(total.costUsd());
        SpendLedger.Reservation r = reservation;
        if (r != null) {
            // providers bill partial generations: an interrupted stream is never free; never above the worst case
            long floor = interrupted && r.micros() > 0 ? 1 : 0;
            micros = Math.min(r.micros(), Math.max(micros, floor));
        }
        end(micros, total.totalTokens());
    }

    private void end(long micros, long usedTokens) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        SpendLedger.Reservation r = reservation;
        if (r != null) {
            ledger.settle(r, micros);
        }
        if (tokens != null && usedTokens > 0) {
            tokens.accept(usedTokens);
        }
    }
}
