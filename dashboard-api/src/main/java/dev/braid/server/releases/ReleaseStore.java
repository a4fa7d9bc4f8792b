package dev.braid.server.releases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.RunningReleases;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * The {@code releases} table, in plain portable SQL (PostgreSQL and H2). Writes happen on the
 * caller's transaction's connection, under the pipeline's row lock; reads may use their own.
 */
@Singleton
public class ReleaseStore implements RunningReleases {

    private static final String COLUMNS = "id, pipeline, stable_version, candidate_version, state, weight, step_index,"
            + " steps, step_every_ms, sticky, shadow_percent, guard, reason, started_by, started_at_ms, step_at_ms,"
            + " updated_at_ms, ended_at_ms";

    private final DataSource dataSource;
    private final ObjectMapper json;

    public ReleaseStore(DataSource dataSource, ObjectMapper json) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.json = json;
    }

    @Override
    public OptionalInt candidate(Connection connection, String pipeline) {
        try {
            return running(connection, pipeline).map(r -> OptionalInt.of(r.candidate())).orElse(OptionalInt.empty());
        } catch (SQLException e) {
            throw new IllegalStateException("reading releases failed", e);
        }
    }

    @Override
    public OptionalInt candidate(String pipeline) {
        try (Connection c = dataSource.getConnection()) {
            return candidate(c, pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException("reading releases failed", e);
        }
    }

    Optional<Release> running(Connection c, String pipeline) throws SQLException {
        List<Release> found = query(c, "SELECT " + COLUMNS + " FROM releases WHERE pipeline = ? AND state = 'running'",
                pipeline);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    Optional<Release> running(String pipeline) {
        try (Connection c = dataSource.getConnection()) {
            return running(c, pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException("reading releases failed", e);
        }
    }

    /** Every running release, of every pipeline. */
    List<Release> allRunning() {
        try (Connection c = dataSource.getConnection()) {
            return query(c, "SELECT " + COLUMNS + " FROM releases WHERE state = 'running'");
        } catch (SQLException e) {
            throw new IllegalStateException("reading releases failed", e);
        }
    }

    /** A pipeline's releases, newest first. */
    List<Release> list(String pipeline) {
        try (Connection c = dataSource.getConnection()) {
            return query(c, "SELECT " + COLUMNS + " FROM releases WHERE pipeline = ? ORDER BY started_at_ms DESC, id DESC",
                    pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException("reading releases failed", e);
        }
    }

    void insert(Connection c, Release r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO releases (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, r);
            ps.executeUpdate();
        }
    }

    void update(Connection c, Release r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE releases SET state = ?, weight = ?, step_index = ?,"
                + " reason = ?, step_at_ms = ?, updated_at_ms = ?, ended_at_ms = ? WHERE id = ?")) {
            ps.setString(1, r.state().wire());
            ps.setInt(2, r.weight());
            ps.setInt(3, r.stepIndex());
            ps.setString(4, r.reason());
            ps.setLong(5, r.stepAtMs());
            ps.setLong(6, r.updatedAtMs());
            if (r.endedAtMs() == null) {
                ps.setNull(7, Types.BIGINT);
            } else {
                ps.setLong(7, r.endedAtMs());
            }
            ps.setString(8, r.id());
            ps.executeUpdate();
        }
    }

    private void bind(PreparedStatement ps, Release r) throws SQLException {
        ps.setString(1, r.id());
        ps.setString(2, r.pipeline());
        ps.setInt(3, r.stable());
        ps.setInt(4, r.candidate());
        ps.setString(5, r.state().wire());
        ps.setInt(6, r.weight());
        ps.setInt(7, r.stepIndex());
        ps.setString(8, String.join(",", r.steps().stream().map(String::valueOf).toList()));
        ps.setLong(9, r.stepEveryMs());
        ps.setString(10, r.sticky().wire());
        ps.setInt(11, r.shadowPercent());
        ps.setString(12, write(r.guard()));
        ps.setString(13, r.reason());
        ps.setString(14, r.startedBy());
        ps.setLong(15, r.startedAtMs());
        ps.setLong(16, r.stepAtMs());
        ps.setLong(17, r.updatedAtMs());
        if (r.endedAtMs() == null) {
            ps.setNull(18, Types.BIGINT);
        } else {
            ps.setLong(18, r.endedAtMs());
        }
    }

    private List<Release> query(Connection c, String sql, Object... args) throws SQLException {
        List<Release> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    private Release read(ResultSet rs) throws SQLException {
        String steps = rs.getString("steps");
        long ended = rs.getLong("ended_at_ms");
        Long endedAt = rs.wasNull() ? null : ended;
        Sticky sticky = Sticky.parse(rs.getString("sticky"));
        return new Release(rs.getString("id"), rs.getString("pipeline"), rs.getInt("stable_version"),
                rs.getInt("candidate_version"), ReleaseState.ofWire(rs.getString("state")), rs.getInt("weight"),
                rs.getInt("step_index"),
                steps == null || steps.isEmpty() ? List.of()
                        : Arrays.stream(steps.split(",")).map(Integer::valueOf).toList(),
                rs.getLong("step_every_ms"), sticky == null ? new Sticky.Key() : sticky, rs.getInt("shadow_percent"),
                readGuard(rs.getString("guard")), rs.getString("reason"), rs.getString("started_by"),
                rs.getLong("started_at_ms"), rs.getLong("step_at_ms"), rs.getLong("updated_at_ms"), endedAt);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Guard readGuard(String text) {
        try {
            return json.readValue(text, Guard.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored guard does not read", e);
        }
    }
}
