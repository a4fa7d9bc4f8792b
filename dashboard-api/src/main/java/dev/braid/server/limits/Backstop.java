package dev.braid.server.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Rebuilds a quota or budget counter that is missing (Redis restarted empty or was flushed; this
 * instance restarted with counters in memory) from the usage rows of its period, so budgets and
 * quotas never start again from zero (issue 13 item 8). Counter names carry their scope and period:
 * {@code tokens:<keyId>@<yyyy-MM-dd>}, {@code usd:key:<id>@<yyyy-MM>}, {@code usd:pipeline:<name>@<yyyy-MM>};
 * any other name starts from 0. A failed lookup fails the stage (the caller answers 503
 * {@code limits_unavailable}, as for a lost Redis: never an unmetered call) and is tried again next time.
 */
public final class Backstop {

    /** No database: every missing counter starts from 0 (the engine's tests, a server without usage rows). */
    public static final Backstop NONE = new Backstop(null);

    private final UsageTotals totals;

    public Backstop(UsageTotals totals) {
        this.totals = totals;
    }

    /** What the counter {@code name} should hold now, from the usage rows of its period. */
    public CompletionStage<Long> seed(String name) {
        int at = name.lastIndexOf('@');
        if (totals == null || at < 0) {
            return CompletableFuture.completedFuture(0L);
        }
        String head = name.substring(0, at);
        String period = name.substring(at + 1);
        try {
            if (head.startsWith("tokens:")) {
                Instant from = LocalDate.parse(period).atStartOfDay(ZoneOffset.UTC).toInstant();
                return totals.tokens(head.substring("tokens:".length()), from, from.plusSeconds(86_400));
            }
            if (head.startsWith("usd:")) {
                String scope = head.substring("usd:".length());
                int colon = scope.indexOf(':');
                YearMonth month = YearMonth.parse(period);
                Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                if (colon > 0) {
                    return totals.costMicros(scope.substring(0, colon), scope.substring(colon + 1), from, to);
                }
            }
        } catch (DateTimeParseException notAPeriod) {
            // a name without a period of ours: nothing to rebuild it from
        }
        return CompletableFuture.completedFuture(0L);
    }
}
