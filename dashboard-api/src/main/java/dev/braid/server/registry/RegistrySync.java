package dev.braid.server.registry;

import com.zaxxer.hikari.HikariDataSource;
import dev.braid.engine.runtime.PipelineRuntime;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance running what the database says when other instances change it.
 * On PostgreSQL one background thread LISTENs on {@link PipelineRegistry#CHANNEL} over a dedicated
 * connection and applies each notified pipeline at once; on every database a periodic reconcile
 * compares all active pointers with the runtime (the safety net for a lost connection or a
 * missed notification, and the only mechanism on H2). A third task unloads idle pinned versions.
 */
@Singleton
public class RegistrySync {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySync.class);
    private static final long POLL_MS = 250;

    private final PipelineRegistry registry;
    private final PipelineRuntime runtime;
    private final RegistryConfiguration configuration;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ScheduledExecutorService timers;
    private Thread listener;
    private volatile boolean reconcileFailing;

    public RegistrySync(PipelineRegistry registry, PipelineRuntime runtime, RegistryConfiguration configuration) {
        this.registry = registry;
        this.runtime = runtime;
        this.configuration = configuration;
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (timers != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "braid-registry-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long reconcileMs = Math.max(100, configuration.reconcileInterval().toMillis());
        timers.scheduleWithFixedDelay(this::reconcileAll, reconcileMs, reconcileMs, TimeUnit.MILLISECONDS);
        Duration idle = configuration.pinnedIdleTimeout();
        long sweepMs = Math.max(100, Math.min(60_000, idle.toMillis() / 4));
        timers.scheduleWithFixedDelay(() -> {
            try {
                runtime.unloadIdle(idle);
            } catch (RuntimeException e) {
                LOG.warn("Unloading idle versions failed: {}", e.toString());
            }
        }, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        if (configuration.notifications() && registry.isPostgres()) {
            listener = new Thread(this::listen, "braid-registry-listen");
            listener.setDaemon(true);
            listener.start();
        }
    }

    private void reconcileAll() {
        try {
            registry.reconcileAll();
            if (reconcileFailing) {
                LOG.info("Registry reconcile works again");
                reconcileFailing = false;
            }
        } catch (RuntimeException e) {
            if (!reconcileFailing) {
                LOG.warn("Registry reconcile failed (will retry): {}", e.toString());
                reconcileFailing = true;
            }
        }
    }

    /** LISTEN on a connection of its own; reconnects after a failure, and reconciles all after each (re)connect. */
    private void listen() {
        while (stopped.getCount() > 0) {
            try (Connection connection = openListenConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + PipelineRegistry.CHANNEL);
                }
                // what changed while this connection was not listening
                reconcileAll();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (stopped.getCount() > 0) {
                    PGNotification[] notes = pg.getNotifications((int) POLL_MS);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification note : notes) {
                        try {
                            registry.reconcile(note.getParameter());
                        } catch (RuntimeException e) {
                            LOG.warn("Applying a change to pipeline {} failed (the reconcile retries): {}",
                                    note.getParameter(), e.toString());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped.getCount() > 0) {
                    LOG.warn("LISTEN {} connection lost, reconnecting in 1 s: {}", PipelineRegistry.CHANNEL, e.toString());
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

    /** Outside the pool: a connection held for ever must not take a pooled one away from requests. */
    private Connection openListenConnection() throws SQLException {
        DataSource ds = registry.dataSource();
        Connection connection = ds instanceof HikariDataSource hikari
                ? DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword())
                : ds.getConnection();
        connection.setAutoCommit(true);
        return connection;
    }

    @PreDestroy
    public synchronized void stop() {
        stopped.countDown();
        if (timers != null) {
            timers.shutdownNow();
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
