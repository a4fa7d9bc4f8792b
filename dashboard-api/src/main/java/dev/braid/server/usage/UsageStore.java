package dev.braid.server.usage;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Reads usage: sums, counts and latency percentiles grouped in SQL. {@code PERCENTILE_CONT …
 * WITHIN GROUP} runs on PostgreSQL and on H2 2.x; hour and day buckets are integer divisions of
 * the epoch-millisecond column, so they are UTC on both without time-zone functions.
 */
@Singleton
public class UsageStore {

    /** A bound on what one answer may carry (e.g. hour × model over a long window). */
    static final int MAX_ROWS = 5000;

    private final DataSource dataSource;

    public UsageStore(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** The report's rows, each a map of group values then metrics (see DESIGN.md, "Usage"). */
    public List<Map<String, Object>> rows(UsageQuery q) throws SQLException {
        List<UsageQuery.Dimension> dims = q.groupBy();
        String groupCols = dims.stream().map(d -> d.column).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < dims.size(); i++) {
            sql.append(dims.get(i).column).append(" AS g").append(i).append(", ");
        }
        sql.append("COUNT(*) AS requests,"
                + " SUM(CASE WHEN status <> 'ok' THEN 1 ELSE 0 END) AS errors,"
                + " SUM(prompt_tokens) AS prompt_tokens,"
                + " SUM(completion_tokens) AS completion_tokens,"
                + " SUM(total_tokens) AS total_tokens,"
                + " SUM(cost_usd) AS cost_usd,"
                + " SUM(CASE WHEN cached THEN 1 ELSE 0 END) AS cached,"
                + " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,"
                + " PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,"
                + " PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99,"
                + " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY first_token_ms) AS ft50"
                + " FROM usage_records WHERE kind = ? AND occurred_at_ms >= ? AND occurred_at_ms < ?");
        List<Object> args = new ArrayList<>(List.of(q.level().column(), q.from().toEpochMilli(), q.to().toEpochMilli()));
        if (q.pipeline() != null) {
            sql.append(" AND pipeline = ?");
            args.add(q.pipeline());
        }
        if (q.keyId() != null) {
            sql.append(" AND key_id = ?");
            args.add(q.keyId());
        }
        if (q.model() != null) {
            sql.append(" AND model = ?");
            args.add(q.model());
        }
        if (!dims.isEmpty()) {
            sql.append(" GROUP BY ").append(groupCols).append(" ORDER BY ").append(groupCols);
        }
        sql.append(" LIMIT ").append(MAX_ROWS);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long requests = rs.getLong("requests");
                    if (requests == 0) {
                        continue; // no grouping and no rows: an aggregate row of nulls
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < dims.size(); i++) {
                        row.put(dims.get(i).wireName(), group(dims.get(i), rs, "g" + i));
                    }
                    long errors = rs.getLong("errors");
                    row.put("requests", requests);
                    row.put("errors", errors);
                    // what an operator compares between versions: shares, not totals
                    row.put("errorRate", ratio(errors, requests));
                    row.put("promptTokens", rs.getLong("prompt_tokens"));
                    row.put("completionTokens", rs.getLong("completion_tokens"));
                    row.put("totalTokens", rs.getLong("total_tokens"));
                    row.put("costUsd", rs.getDouble("cost_usd"));
                    row.put("costPerRequestUsd", rs.getDouble("cost_usd") / requests);
                    row.put("cached", rs.getLong("cached"));
                    row.put("latencyP50Ms", millis(rs, "p50"));
                    row.put("latencyP95Ms", millis(rs, "p95"));
                    row.put("latencyP99Ms", millis(rs, "p99"));
                    row.put("firstTokenP50Ms", millis(rs, "ft50"));
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static Object group(UsageQuery.Dimension d, ResultSet rs, String column) throws SQLException {
        return switch (d) {
            case DAY -> Instant.ofEpochMilli(rs.getLong(column) * 86_400_000L).toString();
            case HOUR -> Instant.ofEpochMilli(rs.getLong(column) * 3_600_000L).toString();
            case VERSION -> {
                int v = rs.getInt(column);
                yield rs.wasNull() ? null : v;
            }
            case PIPELINE, STEP, MODEL, PROVIDER, KEY -> rs.getString(column);
        };
    }

    /** A share rounded to 4 decimals (0.0213), enough to compare versions and stable in JSON. */
    private static double ratio(long part, long whole) {
        return Math.round(part * 10_000.0 / whole) / 10_000.0;
    }

    private static Double millis(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : Math.round(v * 10) / 10.0;
    }
}
