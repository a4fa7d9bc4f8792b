package dev.braid.server.cluster;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one instance tells the others that something changed (pipelines, keys, provider credentials),
 * and hears about theirs: PostgreSQL NOTIFY on commit, and one LISTEN connection per instance that
 * serves every registered channel. On H2 there are no notifications: each owner's periodic reload is
 * the only mechanism (and everywhere the safety net for a lost connection or a missed notification).
 */
@Singleton
public class InstanceNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceNotifications.class);
    private static final int POLL_MS = 200;

    private final DataSource dataSource;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Boolean postgres;
    private Thread listener;

    /**
     * A NOTIFY channel: what to do with one payload, and how to catch up on everything (run after each
     * (re)connect, since notifications sent while not listening are lost).
     */
    public record Channel(String name, Consumer<String> onNotify, Runnable reloadAll) {}

    public InstanceNotifications(DataSource dataSource) {
        // without Micronaut's transaction-aware wrapper: the LISTEN connection lives outside transactions
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** Listens on {@code channel} from now on (also when registered after start). */
    public void register(Channel channel) {
        channels.add(channel);
    }

    /** Tells the other instances on {@code connection}'s commit; nothing on H2. */
    public void send(Connection connection, String channel, String payload) throws SQLException {
        if (!isPostgres()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    public boolean isPostgres() {
        Boolean known = postgres;
        if (known == null) {
            try (Connection c = dataSource.getConnection()) {
                known = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach the database", e);
            }
            postgres = known;
        }
        return known;
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (listener != null || !isPostgres()) {
            return;
        }
        listener = new Thread(this::listen, "braid-listen");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen() {
        while (stopped.getCount() > 0) {
            try (Connection connection = openListenConnection()) {
                Set<String> listening = new HashSet<>();
                listenToNew(connection, listening);
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (stopped.getCount() > 0) {
                    if (listening.size() < channels.size()) {
                        listenToNew(connection, listening); // a channel registered after start
                    }
                    PGNotification[] notes = pg.getNotifications(POLL_MS);
                    if (notes != null) {
                        for (PGNotification note : notes) {
                            deliver(note);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped.getCount() > 0) {
                    LOG.warn("LISTEN connection lost, reconnecting in 1 s: {}", e.toString());
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

    /** LISTENs on channels not yet listened to, then catches each of them up. */
    private void listenToNew(Connection connection, Set<String> listening) throws SQLException {
        List<Channel> added = new java.util.ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (Channel channel : channels) {
                if (listening.add(channel.name())) {
                    statement.execute("LISTEN " + channel.name());
                    added.add(channel);
                }
            }
        }
        for (Channel channel : added) {
            try {
                channel.reloadAll().run(); // what changed while not listening
            } catch (RuntimeException e) {
                LOG.warn("Reloading {} failed (the periodic reload retries): {}", channel.name(), e.toString());
            }
        }
    }

    private void deliver(PGNotification note) {
        for (Channel channel : channels) {
            if (channel.name().equals(note.getName())) {
                try {
                    channel.onNotify().accept(note.getParameter());
                } catch (RuntimeException e) {
                    LOG.warn("Applying a {} change failed (the periodic reload retries): {}", channel.name(),
                            e.toString());
                }
            }
        }
    }

    /** Outside the pool: a connection held for ever must not take a pooled one away from requests. */
    private Connection openListenConnection() throws SQLException {
        Connection connection = dataSource instanceof HikariDataSource hikari
                ? DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword())
                : dataSource.getConnection();
        connection.setAutoCommit(true);
        return connection;
    }

    @PreDestroy
    public synchronized void stop() {
        stopped.countDown();
        if (listener != null) {
            try {
                listener.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
