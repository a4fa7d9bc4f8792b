package dev.braid.server.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.cluster.InstanceNotifications;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys: the database is the truth, an in-memory snapshot answers every request (no query on
 * the hot path). This instance's changes update the snapshot at once; other instances' arrive by
 * PostgreSQL NOTIFY on {@link #CHANNEL} or the periodic reload ({@link KeySync}).
 */
@Singleton
public class KeyStore {

    /** NOTIFY channel for key changes; the payload is the key's id. */
    public static final String CHANNEL = "braid_keys";
    static final String BOOTSTRAP_ID = "key_bootstrap";

    private static final Logger LOG = LoggerFactory.getLogger(KeyStore.class);
    /** One INFO line per key created or revoked: who, which key (name and id), the outcome; never a secret. */
    private static final Logger CHANGES = LoggerFactory.getLogger("dev.braid.server.changes");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final DataSource dataSource;
    private final InstanceNotifications notifications;
    private final ObjectMapper json;
    private final String adminKey;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /** Keys by id and by secret hash; replaced whole, never mutated. */
    private record Snapshot(Map<String, ApiKey> byId, Map<String, ApiKey> byHash) {}

    /** A new key and its secret, which exists nowhere else. */
    public record Created(ApiKey key, String secret) {}

    public KeyStore(DataSource dataSource, ObjectMapper json, @Nullable @Value("${braid.admin-key:}") String adminKey,
            InstanceNotifications notifications) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.notifications = notifications;
        this.json = json;
        this.adminKey = adminKey == null || adminKey.isBlank() ? null : adminKey.trim();
    }

    // ---- the hot path -------------------------------------------------------------------------

    /** The live key whose secret is {@code secret}, or empty (unknown or revoked). */
    public Optional<ApiKey> authenticate(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 200) {
            return Optional.empty();
        }
        byte[] digest = KeySecrets.digest(secret); // once per request, not once for the lookup and again to compare
        ApiKey key = snapshot.byHash().get(HexFormat.of().formatHex(digest));
        // the map found it by hash; the constant-time compare is what decides
        if (key == null || key.revoked() || !KeySecrets.matches(digest, key.secretSha256())) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    public Optional<ApiKey> byId(String id) {
        return Optional.ofNullable(snapshot.byId().get(id));
    }

    /** Every key, revoked included, oldest first. */
    public List<ApiKey> list() {
        List<ApiKey> all = new ArrayList<>(snapshot.byId().values());
        all.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        return all;
    }

    // ---- changes ------------------------------------------------------------------------------

    /** Creates a key; {@code template}'s id, prefix, hash and times are ignored. */
    public Created create(KeySpec spec, Actor actor) {
        try {
            Created c = createLogged(spec, actor);
            CHANGES.info("key_create by={} key={} id={} role={} outcome=ok", actor.logName(), Actor.oneLine(spec.name()), c.key().id(),
                    spec.role().wire());
            return c;
        } catch (RuntimeException e) {
            CHANGES.info("key_create by={} key={} role={} outcome=failed {}", actor.logName(), Actor.oneLine(spec.name()),
                    spec.role().wire(), e.getClass().getSimpleName());
            throw e;
        }
    }

    private Created createLogged(KeySpec spec, Actor actor) {
        String secret = KeySecrets.generate();
        ApiKey key = new ApiKey(newId(), spec.name(), spec.role(), KeySecrets.visible(secret), KeySecrets.sha256(secret),
                spec.pipelines(), spec.models(), spec.requestsPerMinute(), spec.tokensPerDay(), spec.usdPerMonth(),
                now(), null);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insert(c, key);
                AccessAuditLog.append(c, AccessAuditLog.Event.KEY_CREATED, key.id(), actor, now());
                notifyInstances(c, key.id());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing the key failed", e);
        }
        put(key);
        return new Created(key, secret);
    }

    /** Revokes key {@code id}: false when there is no such key. Revoking twice is fine. */
    public boolean revoke(String id, Actor actor) {
        String name = Actor.oneLine(byId(id).map(ApiKey::name).orElse("?"));
        try {
            boolean done = revokeLogged(id, actor);
            CHANGES.info("key_revoke by={} key={} id={} outcome={}", actor.logName(), name,
                    Actor.oneLine(id), done ? "ok" : "refused 404 key_not_found");
            return done;
        } catch (RuntimeException e) {
            CHANGES.info("key_revoke by={} key={} id={} outcome=failed {}", actor.logName(), name, Actor.oneLine(id),
                    e.getClass().getSimpleName());
            throw e;
        }
    }

    private boolean revokeLogged(String id, Actor actor) {
        Instant at = now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int n;
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setString(2, id);
                    n = ps.executeUpdate();
                }
                if (n == 0) {
                    c.rollback();
                    return false;
                }
                AccessAuditLog.append(c, AccessAuditLog.Event.KEY_REVOKED, id, actor, now());
                notifyInstances(c, id);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("revoking the key failed", e);
        }
        reload(id);
        return true;
    }

    // ---- loading --------------------------------------------------------------------------------

    /** Reads every key from the database into a fresh snapshot. */
    public void reloadAll() {
        Map<String, ApiKey> byId = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ApiKey key = read(rs);
                byId.put(key.id(), key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the keys failed", e);
        }
        Map<String, ApiKey> byHash = new HashMap<>();
        byId.values().forEach(k -> byHash.put(k.secretSha256(), k));
        snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(byHash));
    }

    /** Re-reads one key (a NOTIFY names it). */
    public void reload(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    put(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading key " + id + " failed", e);
        }
    }

    private synchronized void put(ApiKey key) {
        Snapshot s = snapshot;
        Map<String, ApiKey> byId = new HashMap<>(s.byId());
        Map<String, ApiKey> byHash = new HashMap<>(s.byHash());
        ApiKey old = byId.put(key.id(), key);
        if (old != null) {
            byHash.remove(old.secretSha256());
        }
        byHash.put(key.secretSha256(), key);
        snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(byHash));
    }

    /**
     * The first admin key: from {@code BRAID_ADMIN_KEY} when set (stored if new), else generated
     * once, when the database has no key {@value #BOOTSTRAP_ID} yet, and printed to stdout that one
     * time. Its fixed id makes two instances starting together create it once.
     */
    void bootstrap() {
        reloadAll();
        if (adminKey != null) {
            if (adminKey.length() < 32) {
                LOG.warn("BRAID_ADMIN_KEY is shorter than 32 characters: use a long random value");
            }
            String hash = KeySecrets.sha256(adminKey);
            if (snapshot.byHash().containsKey(hash)) {
                return;
            }
            ApiKey key = new ApiKey("key_env_" + hash.substring(0, 12), "BRAID_ADMIN_KEY", Role.ADMIN,
                    KeySecrets.visible(adminKey), hash, null, null, null, null, null, now(), null);
            if (insertIfAbsent(key)) {
                LOG.info("Admin key {} from BRAID_ADMIN_KEY stored (as its hash)", key.prefix());
            }
            reloadAll();
            return;
        }
        if (snapshot.byId().containsKey(BOOTSTRAP_ID)) {
            if (snapshot.byId().values().stream().noneMatch(k -> k.role() == Role.ADMIN && !k.revoked())) {
                LOG.warn("No admin key is left: set BRAID_ADMIN_KEY and restart to add one");
            }
            return;
        }
        String secret = KeySecrets.generate();
        ApiKey key = new ApiKey(BOOTSTRAP_ID, "bootstrap admin", Role.ADMIN, KeySecrets.visible(secret),
                KeySecrets.sha256(secret), null, null, null, null, null, now(), null);
        if (insertIfAbsent(key)) {
            // stdout, once: the only time this secret is ever shown
            System.out.println("""

                    ==================================================================
                     Braid admin key (shown once, stored only as a hash; keep it):
                       %s
                     export BRAID_ADMIN_KEY=%s  # to reuse it on the next start
                    ==================================================================
                    """.formatted(secret, secret));
            System.out.flush();
        }
        reloadAll();
    }

    private boolean insertIfAbsent(ApiKey key) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insert(c, key);
                AccessAuditLog.append(c, AccessAuditLog.Event.KEY_CREATED, key.id(), new Actor("startup", "first start"), now());
                notifyInstances(c, key.id());
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                if ("23505".equals(e.getSQLState())) {
                    return false; // another instance made it first
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing the admin key failed", e);
        }
    }

    // ---- rows -----------------------------------------------------------------------------------

    private void insert(Connection c, ApiKey k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (id, name, role, prefix, secret_sha256,"
                + " pipelines, models, requests_per_minute, tokens_per_day, usd_per_month, created_at, revoked_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
            ps.setString(1, k.id());
            ps.setString(2, k.name());
            ps.setString(3, k.role().wire());
            ps.setString(4, k.prefix());
            ps.setString(5, k.secretSha256());
            ps.setString(6, write(k.pipelines()));
            ps.setString(7, write(k.models()));
            if (k.requestsPerMinute() == null) {
                ps.setNull(8, Types.INTEGER);
            } else {
                ps.setInt(8, k.requestsPerMinute());
            }
            if (k.tokensPerDay() == null) {
                ps.setNull(9, Types.BIGINT);
            } else {
                ps.setLong(9, k.tokensPerDay());
            }
            ps.setBigDecimal(10, k.usdPerMonth());
            ps.setTimestamp(11, Timestamp.from(k.createdAt()));
            ps.executeUpdate();
        }
    }

    private ApiKey read(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        long tokens = rs.getLong("tokens_per_day");
        Long tokensPerDay = rs.wasNull() ? null : tokens;
        int rpm = rs.getInt("requests_per_minute");
        Integer requestsPerMinute = rs.wasNull() ? null : rpm;
        return new ApiKey(rs.getString("id"), rs.getString("name"),
                Role.parse(rs.getString("role").toLowerCase(Locale.ROOT)), rs.getString("prefix"),
                rs.getString("secret_sha256").trim(), readList(rs.getString("pipelines")),
                readList(rs.getString("models")), requestsPerMinute, tokensPerDay, rs.getBigDecimal("usd_per_month"),
                rs.getTimestamp("created_at").toInstant(), revoked == null ? null : revoked.toInstant());
    }

    void notifyInstances(Connection c, String payload) throws SQLException {
        notifyInstances(c, CHANNEL, payload);
    }

    void notifyInstances(Connection c, String channel, String payload) throws SQLException {
        notifications.send(c, channel, payload);
    }

    public boolean isPostgres() {
        return notifications.isPostgres();
    }

    DataSource dataSource() {
        return dataSource;
    }

    private String write(List<String> list) {
        try {
            return list == null ? null : json.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> readList(String text) {
        try {
            return text == null ? null : json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored key scope is not a JSON list", e);
        }
    }

    private static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "key_" + HexFormat.of().formatHex(b);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** What a new key may do. */
    public record KeySpec(String name, Role role, List<String> pipelines, List<String> models,
            Integer requestsPerMinute, Long tokensPerDay, BigDecimal usdPerMonth) {}
}
