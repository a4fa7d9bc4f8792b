package dev.braid.server.releases;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import javax.sql.DataSource;

/**
 * Both arms' figures (and the shadow's) over a release's guard window, from the request rows every
 * instance writes to {@code usage_records}: the shared database, so the guard sees all the traffic.
 * A row counts for an arm by its version (pinned calls of those versions included) and only from the
 * release's start.
 */
@Singleton
public class ReleaseFigures {

    /** Both arms and the shadow. */
    public record Figures(ArmFigures stable, ArmFigures candidate, ShadowFigures shadow) {}

    private final DataSource dataSource;

    public ReleaseFigures(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** The window ends now for a running release, at its end otherwise. */
    Figures of(Release r, long nowMs) {
        long to = r.endedAtMs() == null ? nowMs : r.endedAtMs();
        long from = Math.max(r.startedAtMs(), to - r.guard().windowMs());
        Acc stable = new Acc();
        Acc candidate = new Acc();
        long shadowRequests = 0;
        long shadowErrors = 0;
        long compared = 0;
        long matched = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT version, status, latency_ms, cost_usd, shadow,"
                        + " shadow_match FROM usage_records WHERE pipeline = ? AND kind = 'request'"
                        + " AND occurred_at_ms >= ? AND occurred_at_ms <= ? AND version IN (?, ?)")) {
            ps.setString(1, r.pipeline());
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.setInt(4, r.stable());
            ps.setInt(5, r.candidate());
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int version = rs.getInt(1);
                    boolean ok = "ok".equals(rs.getString(2));
                    if (rs.getBoolean(5)) {
                        shadowRequests++;
                        if (!ok) {
                            shadowErrors++;
                        }
                        boolean match = rs.getBoolean(6);
                        if (!rs.wasNull()) {
                            compared++;
                            if (match) {
                                matched++;
                            }
                        }
                        continue;
                    }
                    (version == r.candidate() ? candidate : stable).add(ok, rs.getLong(3), rs.getDouble(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading usage for release " + r.id() + " failed", e);
        }
        return new Figures(stable.figures(), candidate.figures(),
                new ShadowFigures(shadowRequests, shadowErrors, compared == 0 ? null : (double) matched / compared));
    }

    private static final class Acc {
        long[] latencies = new long[64];
        int n;
        long errors;
        double cost;

        void add(boolean ok, long latencyMs, double costUsd) {
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = latencyMs;
            if (!ok) {
                errors++;
            }
            cost += costUsd;
        }

        ArmFigures figures() {
            return ArmFigures.of(errors, latencies, n, cost);
        }
    }
}
