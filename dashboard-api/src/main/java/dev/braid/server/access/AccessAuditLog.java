package dev.braid.server.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * The one writer of access events ({@code access_audit}): keys created and revoked, provider
 * credentials set. Writes on the caller's connection, inside its transaction, so an event commits
 * with the change it records or not at all. Read back, merged with the registry's events, by
 * {@code GET /api/audit}.
 */
public final class AccessAuditLog {

    /** What happened; the {@code event_type} column. */
    public enum Event {
        KEY_CREATED("key_created"),
        KEY_REVOKED("key_revoked"),
        PROVIDER_SET("provider_set");

        private final String wire;

        Event(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** Every event type's wire name, in declaration order. */
        public static List<String> wireNames() {
            return java.util.Arrays.stream(values()).map(Event::wire).toList();
        }
    }

    private AccessAuditLog() {}

    /** Appends one event about {@code subject} (a key id or a provider name) done by {@code actor} at {@code at}. */
    public static void append(Connection c, Event event, String subject, Actor actor, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO access_audit"
                + " (event_type, subject, actor_id, actor_name, occurred_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, event.wire());
            ps.setString(2, subject);
            ps.setString(3, actor.id());
            ps.setString(4, actor.name());
            ps.setTimestamp(5, Timestamp.from(at));
            ps.executeUpdate();
        }
    }
}
