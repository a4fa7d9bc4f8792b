package dev.braid.server.keys;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's keys (and whatever else registers a channel) in step with the database:
 * bootstrap at start, a reload every {@code braid.auth.reconcile-interval}, and on PostgreSQL a
 * LISTEN connection of its own that applies each notified change at once (revocation reaches every
 * instance within a second).
 */
@Singleton
public class KeySync {

    private static final Logger LOG = LoggerFactory.getLogger(KeySync.class);
    private static final int POLL_MS = 200;

    private final KeyStore keys;
    private final AuthConfiguration configuration;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ScheduledExecutorService timer;
    private Thread listener;

    /** A NOTIFY channel, what to do with one payload, and what a full reload is. */
    public record Channel(String name, Consumer<String> onNotify, Runnable reloadAll) {}

    public KeySync(KeyStore keys, AuthConfiguration configuration) {
        this.keys = keys;
        this.configuration = configuration;
        channels.add(new Channel(KeyStore.CHANNEL, keys::reload, keys::reloadAll));
    }

    /** Adds a channel; call before start (from a bean's constructor or its own startup). */
    public void register(Channel channel) {
        channels.add(channel);
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (timer != null) {
            return;
        }
        if (!configuration.enabled()) {
            LOG.warn("!!! braid.auth.enabled=false: EVERY REQUEST IS TREATED AS ADMIN, WITHOUT A KEY."
                    + " For tests only; never in production. !!!");
        }
        keys.bootstrap();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "braid-keys-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(100, configuration.reconcileInterval().toMillis());
        timer.scheduleWithFixedDelay(this::reloadAll, ms, ms, TimeUnit.MILLISECONDS);
        if (keys.isPostgres()) {
            listener = new Thread(this::listen, "braid-keys-listen");
            listener.setDaemon(true);
            listener.start();
        }
    }

    private void reloadAll() {
        for (Channel channel : channels) {
            try {
                channel.reloadAll().run();
            } catch (RuntimeException e) {
                LOG.warn("Reloading {} failed (will retry): {}", channel.name(), e.toString());
            }
        }
    }

    private void listen() {
        while (stopped.getCount() > 0) {
            try (Connection connection = openListenConnection()) {
                java.util.Set<String> listening = new java.util.HashSet<>();
                listenToNew(connection, listening);
                reloadAll(); // what changed while not listening
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (stopped.getCount() > 0) {
                    if (listening.size() < channels.size()) {
                        listenToNew(connection, listening); // a channel registered after start
                    }
                    PGNotification[] notes = pg.getNotifications(POLL_MS);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification note : notes) {
                        for (Channel channel : channels) {
                            if (channel.name().equals(note.getName())) {
                                try {
                                    channel.onNotify().accept(note.getParameter());
                                } catch (RuntimeException e) {
                                    LOG.warn("Applying a {} change failed (the reload retries): {}",
                                            channel.name(), e.toString());
                                }
                            }
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped.getCount() > 0) {
                    LOG.warn("LISTEN {} connection lost, reconnecting in 1 s: {}", KeyStore.CHANNEL, e.toString());
                }
            }
            try {
                stopped.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void listenToNew(Connection connection, java.util.Set<String> listening) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (Channel channel : channels) {
                if (listening.add(channel.name())) {
                    statement.execute("LISTEN " + channel.name());
                }
            }
        }
    }

    /** Outside the pool: a connection held for ever must not take a pooled one from requests. */
    private Connection openListenConnection() throws SQLException {
        DataSource ds = keys.dataSource();
        Connection connection = ds instanceof HikariDataSource hikari
                ? DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword())
                : ds.getConnection();
        connection.setAutoCommit(true);
        return connection;
    }

    @PreDestroy
    public synchronized void stop() {
        stopped.countDown();
        if (timer != null) {
            timer.shutdownNow();
        }
        if (listener != null) {
            try {
                listener.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
