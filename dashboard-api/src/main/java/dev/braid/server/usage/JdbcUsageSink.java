package dev.braid.server.usage;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes batches of usage records with one JDBC batch insert per batch, in one transaction; a batch
 * the database refuses is written again row by row ({@link PartialWrite} counts the rows refused).
 */
@Singleton
public class JdbcUsageSink implements UsageSink {

    static final String INSERT = "INSERT INTO usage_records (kind, source, request_id, key_id, pipeline, version, step,"
            + " provider, model, status, error_type, latency_ms, first_token_ms, prompt_tokens, completion_tokens,"
            + " total_tokens, cost_usd, cached, estimated, occurred_at_ms, shadow, shadow_match)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;

    public JdbcUsageSink(DataSource dataSource) {
        // the raw pool: this thread is outside any Micronaut transaction
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    @Override
    public void write(List<UsageRecord> batch) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                for (UsageRecord r : batch) {
                    bind(s, r);
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
                return;
            } catch (Exception e) {
                c.rollback();
                if (batch.size() == 1) {
                    throw e;
                }
            } finally {
                c.setAutoCommit(auto);
            }
            writeOneByOne(c, batch);
        }
    }

    /**
     * A refused batch is retried row by row, each row its own transaction: one row the database
     * will not take (a value no sanitizing foresaw) never loses the other keys' rows beside it.
     * Slow, but only after a failure.
     */
    private static void writeOneByOne(Connection c, List<UsageRecord> batch) throws Exception {
        int failed = 0;
        Exception first = null;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (UsageRecord r : batch) {
                try {
                    bind(s, r);
                    s.executeUpdate();
                } catch (java.sql.SQLException e) {
                    failed++;
                    first = first == null ? e : first;
                }
            }
        } finally {
            c.setAutoCommit(auto);
        }
        if (failed > 0) {
            throw new PartialWrite(failed, first);
        }
    }

    private static void bind(PreparedStatement s, UsageRecord r) throws java.sql.SQLException {
        int i = 1;
        s.setString(i++, r.kind().column());
        s.setString(i++, cut(r.source(), 16));
        s.setString(i++, cut(r.requestId(), 128));
        s.setString(i++, cut(r.keyId(), 100));
        s.setString(i++, cut(r.pipeline(), 63));
        if (r.version() == null) {
            s.setNull(i++, Types.INTEGER);
        } else {
            s.setInt(i++, r.version());
        }
        s.setString(i++, cut(r.step(), 63));
        s.setString(i++, cut(r.provider(), 63));
        s.setString(i++, cut(r.model(), 200));
        s.setString(i++, cut(r.status(), 16));
        s.setString(i++, cut(r.errorType(), 32));
        s.setLong(i++, r.latencyMs());
        if (r.firstTokenMs() == null) {
            s.setNull(i++, Types.BIGINT);
        } else {
            s.setLong(i++, r.firstTokenMs());
        }
        s.setLong(i++, r.promptTokens());
        s.setLong(i++, r.completionTokens());
        s.setLong(i++, r.totalTokens());
        s.setDouble(i++, r.costUsd());
        s.setBoolean(i++, r.cached());
        s.setBoolean(i++, r.estimated());
        s.setLong(i++, r.occurredAtMs());
        s.setBoolean(i++, r.shadow());
        if (r.shadowMatch() == null) {
            s.setNull(i++, Types.BOOLEAN);
        } else {
            s.setBoolean(i, r.shadowMatch());
        }
    }

    // callers' model and pipeline names are free text: too long or with a NUL, they must not fail a row
    private static String cut(String value, int max) {
        return DatabaseText.clean(value, max);
    }
}
