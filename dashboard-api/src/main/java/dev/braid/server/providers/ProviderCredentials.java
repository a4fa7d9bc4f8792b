package dev.braid.server.providers;

import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.server.access.AccessAuditLog;
import dev.braid.server.access.Actor;
import dev.braid.server.access.KeyStore;
import dev.braid.server.access.KeySync;
import dev.braid.server.cluster.InstanceNotifications;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provider base URLs and credentials set over the admin API: stored encrypted
 * ({@link SecretBox}), applied to this instance's model component at once (through the same
 * {@link ProviderAdapters} that config uses), and on other instances by NOTIFY {@link #CHANNEL}
 * or the periodic reload.
 */
@Singleton
public class ProviderCredentials {

    public static final String CHANNEL = "braid_providers";
    private static final Logger LOG = LoggerFactory.getLogger(ProviderCredentials.class);

    private final DataSource dataSource;
    private final InstanceNotifications notifications;
    private final SecretBox box;
    private final ProviderAdapters adapters;
    private final ModelGateway models;
    private final KeyStore keys;
    /** updated_at of what this instance applied, per provider: a reload applies only changes. */
    private final Map<String, Instant> applied = new ConcurrentHashMap<>();

    /** A stored provider as the API shows it: never the key. */
    public record StoredProvider(String name, String type, String baseUrl, boolean hasApiKey, Instant updatedAt) {}

    public ProviderCredentials(DataSource dataSource, SecretBox box, ProviderAdapters adapters, ModelGateway models,
            KeyStore keys, KeySync sync, InstanceNotifications notifications) {
        this.notifications = notifications;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.box = box;
        this.adapters = adapters;
        this.models = models;
        this.keys = keys;
        sync.register(new InstanceNotifications.Channel(CHANNEL, this::reload, this::reloadAll));
    }

    /** Applies what other instances (or earlier runs) stored. */
    @EventListener
    public void onStartup(StartupEvent event) {
        try {
            reloadAll();
        } catch (RuntimeException e) {
            LOG.warn("Applying stored providers failed (the reload retries): {}", e.toString());
        }
    }

    public boolean canStoreSecrets() {
        return box.available();
    }

    /** Stores and applies {@code name}'s settings; the caller checked the input. */
    public StoredProvider put(String name, ProviderType type, String baseUrl, String apiKey, Actor actor) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String sealed = apiKey == null ? null : box.encrypt(apiKey, name);
        // build first: settings an adapter refuses are never stored
        ModelProvider provider = build(name, type, baseUrl, apiKey);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM provider_credentials WHERE name = ?")) {
                    del.setString(1, name);
                    del.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO provider_credentials"
                        + " (name, type, base_url, api_key, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setString(2, type.configName());
                    ps.setString(3, baseUrl);
                    ps.setString(4, sealed);
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.executeUpdate();
                }
                AccessAuditLog.append(c, AccessAuditLog.Event.PROVIDER_SET, name, actor, now);
                notifications.send(c, CHANNEL, name);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing provider " + name + " failed", e);
        }
        models().addProvider(provider);
        applied.put(name, now);
        LOG.info("Provider {} set over the API (type {}, base URL {})", name, type.configName(),
                baseUrl == null ? "default" : baseUrl);
        return new StoredProvider(name, type.configName(), baseUrl, apiKey != null, now);
    }

    public List<StoredProvider> list() {
        List<StoredProvider> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT name, type, base_url, api_key, updated_at FROM provider_credentials ORDER BY name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredProvider(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4) != null,
                        rs.getTimestamp(5).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading providers failed", e);
        }
        return out;
    }

    /** Applies every stored provider this instance has not applied in its current form. */
    public void reloadAll() {
        for (StoredProvider p : list()) {
            if (!p.updatedAt().equals(applied.get(p.name()))) {
                reload(p.name());
            }
        }
    }

    public void reload(String name) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT type, base_url, api_key, updated_at FROM provider_credentials WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                String sealed = rs.getString(3);
                if (sealed != null && !box.available()) {
                    LOG.warn("Provider {} has a stored key but BRAID_SECRET_KEY is not set: not applied", name);
                    return;
                }
                String apiKey = sealed == null ? null : box.decrypt(sealed, name);
                models().addProvider(build(name, ProviderType.fromConfigName(rs.getString(1)), rs.getString(2), apiKey));
                applied.put(name, rs.getTimestamp(4).toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading provider " + name + " failed", e);
        }
    }

    public Optional<StoredProvider> find(String name) {
        return list().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private ModelProvider build(String name, ProviderType type, String baseUrl, String apiKey) {
        return adapters.build(new ProviderSettings(name, type, baseUrl, apiKey, null, List.of(), Map.of(), null))
                .orElseThrow(() -> new IllegalArgumentException("no adapter for provider type " + type.configName()));
    }

    private ModelGateway models() {
        return models;
    }
}
