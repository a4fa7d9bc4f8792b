package dev.braid.server.usage;

import dev.braid.server.limits.UsageTotals;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;

/**
 * The limits' backstop read from {@code usage_records}: a period's tokens or cost of one key or
 * pipeline, summed over request rows (indexes {@code usage_records_key}, {@code usage_records_pipeline}).
 * Runs on the blocking pool; asked only when a counter is missing, once per counter and period.
 */
@Singleton
public class UsageTotalsStore implements UsageTotals {

    private final DataSource dataSource;
    private final ExecutorService blocking;

    public UsageTotalsStore(DataSource dataSource, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.blocking = blocking;
    }

    @Override
    public CompletionStage<Long> tokens(String keyId, Instant from, Instant to) {
        return CompletableFuture.supplyAsync(() -> Math.round(sum(
                "SELECT COALESCE(SUM(total_tokens), 0) FROM usage_records"
                        + " WHERE key_id = ? AND occurred_at_ms >= ? AND occurred_at_ms < ? AND kind = ?",
                keyId, from, to)), blocking);
    }

    @Override
    public CompletionStage<Long> costMicros(String scopeKind, String id, Instant from, Instant to) {
        String column = switch (scopeKind) {
            case "key" -> "key_id";
            case "pipeline" -> "pipeline";
            default -> null;
        };
        if (column == null) {
            return CompletableFuture.completedFuture(0L);
        }
        return CompletableFuture.supplyAsync(() -> (long) Math.ceil(sum(
                "SELECT COALESCE(SUM(cost_usd), 0) FROM usage_records"
                        + " WHERE " + column + " = ? AND occurred_at_ms >= ? AND occurred_at_ms < ? AND kind = ?",
                id, from, to) * 1_000_000.0), blocking);
    }

    private double sum(String sql, String id, Instant from, Instant to) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            s.setLong(2, from.toEpochMilli());
            s.setLong(3, to.toEpochMilli());
            s.setString(4, UsageRecord.Kind.REQUEST.column());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getDouble(1) : 0;
            }
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }
}
