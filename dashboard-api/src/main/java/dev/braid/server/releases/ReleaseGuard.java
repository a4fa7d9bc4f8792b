package dev.braid.server.releases;

import com.zaxxer.hikari.HikariDataSource;
import dev.braid.server.cluster.InstanceNotifications;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator: every {@code evaluateInterval} it reads each running release's figures from the
 * shared usage rows, rolls back a candidate that breaks a guard limit, and otherwise moves a release
 * whose step has lasted {@code stepEvery} to its next step (promoting it after the last).
 *
 * <p>One instance evaluates at a time. On PostgreSQL it is the one holding a session-level advisory
 * lock on a connection of its own: when that instance dies, its connection closes, the lock goes, and
 * another instance takes it at its next tick. On H2 (one instance) it is trivially this one. Every
 * change it makes re-reads the release under the pipeline's row lock, so even two evaluators could
 * not roll one release back twice.
 */
@Singleton
public class ReleaseGuard {

    /** The advisory lock's key: "braid rel" in ASCII. */
    static final long LOCK_KEY = 0x627261696472656cL;

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseGuard.class);

    private final ReleaseStore store;
    private final Releases releases;
    private final ReleaseFigures figures;
    private final ReleasesConfiguration configuration;
    private final InstanceNotifications notifications;
    private final DataSource dataSource;
    private ScheduledExecutorService timer;
    private Connection lockConnection;
    private volatile boolean evaluating;
    private volatile boolean failing;

    public ReleaseGuard(ReleaseStore store, Releases releases, ReleaseFigures figures,
            ReleasesConfiguration configuration, InstanceNotifications notifications, DataSource dataSource) {
        this.store = store;
        this.releases = releases;
        this.figures = figures;
        this.configuration = configuration;
        this.notifications = notifications;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "braid-release-guard");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(50, Math.min(10_000, configuration.evaluateInterval().toMillis()));
        timer.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Whether this instance is the evaluator (it held the lock at its last tick). */
    public boolean evaluating() {
        return evaluating;
    }

    void tick() {
        try {
            evaluating = holdsLock();
            if (evaluating) {
                evaluateAll();
            }
            if (failing) {
                LOG.info("Release evaluation works again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("Release evaluation failed (will retry): {}", e.toString());
                failing = true;
            }
        }
    }

    void evaluateAll() {
        long now = System.currentTimeMillis();
        for (Release r : store.allRunning()) {
            evaluate(r, now);
        }
    }

    private void evaluate(Release r, long now) {
        ReleaseFigures.Figures f = figures.of(r, now);
        Guard.Breach breach = r.guard().check(f.stable(), f.candidate());
        if (breach != null) {
            releases.autoRollback(r, breach, f);
            return;
        }
        if (!r.steps().isEmpty() && now - r.stepAtMs() >= r.stepEveryMs()) {
            releases.advance(r);
        }
    }

    /** On PostgreSQL: whether this instance holds (or now takes) the evaluator's advisory lock. */
    private synchronized boolean holdsLock() {
        if (!notifications.isPostgres()) {
            return true;
        }
        try {
            if (lockConnection != null && !lockConnection.isValid(2)) {
                closeQuietly();
            }
            if (lockConnection == null) {
                lockConnection = open();
                try (PreparedStatement ps = lockConnection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    ps.setLong(1, LOCK_KEY);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            LOG.info("This instance now evaluates releases");
                            return true;
                        }
                    }
                }
                closeQuietly(); // someone else evaluates; try again next tick
                return false;
            }
            return true;
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException("the evaluator's lock: " + e.getMessage(), e);
        }
    }

    /** Outside the pool: a connection held for ever must not take a pooled one away from requests. */
    private Connection open() throws SQLException {
        Connection c = dataSource instanceof HikariDataSource hikari
                ? DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword())
                : dataSource.getConnection();
        c.setAutoCommit(true);
        return c;
    }

    private void closeQuietly() {
        if (lockConnection != null) {
            try {
                lockConnection.close();
            } catch (SQLException e) {
                // gone already
            }
            lockConnection = null;
        }
    }

    @PreDestroy
    public void stop() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closeQuietly(); // the lock goes with the connection
        }
    }
}
