package dev.braid.server.audit;

import dev.braid.server.audit.AuditQuery.Cursor;
import dev.braid.server.audit.AuditQuery.Source;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;

/**
 * One trail over the registry's events ({@code audit_events}: deploy, activate, rollback, and the
 * release events) and the
 * access events ({@code access_audit}: keys, provider credentials), newest first. Each table is read
 * with the same keyset condition and at most {@code limit + 1} rows, and the two are merged here:
 * plain portable SQL (PostgreSQL and H2), no UNION of unlike columns. Blocking JDBC: callers run it
 * on the blocking executor.
 */
@Singleton
public class AuditTrail {

    /** Newest first; within one instant registry events first, then the higher id. */
    static final Comparator<Event> ORDER = Comparator.comparing(Event::at).reversed()
            .thenComparing(e -> -e.source().rank)
            .thenComparing(e -> -e.id());

    private final DataSource dataSource;

    public AuditTrail(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /**
     * One stored event. {@code subject} is the pipeline, key id or provider; {@code version} and
     * {@code fromVersion} are set for registry events only. Never a secret: neither table holds one.
     */
    record Event(Source source, long id, String type, String subject, @Nullable Integer version,
            @Nullable Integer fromVersion, String actorId, String actorName, Instant at, @Nullable String details) {

        Cursor cursor() {
            return new Cursor(at, source, id);
        }
    }

    /** A page and, when more events follow it, the cursor to ask for them with. */
    record Page(List<Event> events, @Nullable Cursor next) {}

    Page read(AuditQuery query) throws SQLException {
        List<Event> all = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (Source source : Source.values()) {
                List<String> types = query.typesIn(source);
                if (!types.isEmpty()) {
                    all.addAll(read(c, source, types, query));
                }
            }
        }
        all.sort(ORDER);
        if (all.size() <= query.limit()) {
            return new Page(all, null);
        }
        List<Event> page = List.copyOf(all.subList(0, query.limit()));
        return new Page(page, page.get(page.size() - 1).cursor());
    }

    private static List<Event> read(Connection c, Source source, List<String> types, AuditQuery q)
            throws SQLException {
        boolean registry = source == Source.REGISTRY;
        StringBuilder sql = new StringBuilder("SELECT id, event_type, ")
                .append(registry ? "pipeline, version, from_version, details" : "subject")
                .append(", actor_id, actor_name, occurred_at FROM ").append(source.table)
                .append(" WHERE event_type IN (").append("?, ".repeat(types.size() - 1)).append("?)");
        List<Object> args = new ArrayList<>(types);
        if (q.actor() != null) {
            sql.append(" AND (actor_id = ? OR actor_name = ?)");
            args.add(q.actor());
            args.add(q.actor());
        }
        if (q.since() != null) {
            sql.append(" AND occurred_at >= ?");
            args.add(timestamp(q.since()));
        }
        if (q.until() != null) {
            sql.append(" AND occurred_at < ?");
            args.add(timestamp(q.until()));
        }
        Cursor before = q.before();
        if (before != null) {
            // rows strictly after the cursor in ORDER: older, or as old and lower in (rank, id)
            if (source.rank < before.source().rank) {
                sql.append(" AND occurred_at <= ?");
                args.add(timestamp(before.at()));
            } else if (source.rank > before.source().rank) {
                sql.append(" AND occurred_at < ?");
                args.add(timestamp(before.at()));
            } else {
                sql.append(" AND (occurred_at < ? OR (occurred_at = ? AND id < ?))");
                args.add(timestamp(before.at()));
                args.add(timestamp(before.at()));
                args.add(before.id());
            }
        }
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ?");
        args.add(q.limit() + 1);
        List<Event> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant at = rs.getObject("occurred_at", OffsetDateTime.class).toInstant();
                    if (registry) {
                        int from = rs.getInt("from_version");
                        Integer fromVersion = rs.wasNull() ? null : from;
                        events.add(new Event(source, rs.getLong("id"), rs.getString("event_type"),
                                rs.getString("pipeline"), rs.getInt("version"), fromVersion,
                                rs.getString("actor_id"), rs.getString("actor_name"), at, rs.getString("details")));
                    } else {
                        events.add(new Event(source, rs.getLong("id"), rs.getString("event_type"),
                                rs.getString("subject"), null, null, rs.getString("actor_id"),
                                rs.getString("actor_name"), at, null));
                    }
                }
            }
        }
        return events;
    }

    /** Both drivers take an OffsetDateTime for TIMESTAMP WITH TIME ZONE without a zone guess. */
    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
