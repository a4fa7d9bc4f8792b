package dev.braid.server.http;

import io.micronaut.data.connection.exceptions.ConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database cannot be reached (the pool found no connection within its timeout, the connection
 * broke, PostgreSQL is shutting down; Micronaut Data's {@link ConnectionException} when it could not
 * prepare one): the request did nothing wrong and may succeed shortly, so
 * it is a 503 {@code store_unavailable} with a {@code Retry-After}, never a 500 with a stack trace.
 * Logged as one WARN line at most every ten seconds, not an ERROR per request: an outage is one
 * event, however many requests meet it.
 */
final class StoreUnavailable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreUnavailable.class);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
    private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private StoreUnavailable() {}

    /** The 503 when {@code error}'s chain says the database is unreachable; else null. */
    static ApiProblem of(Throwable error) {
        Throwable reason = reason(error);
        if (reason == null) {
            return null;
        }
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warn("database unavailable, answering 503 store_unavailable: {}", reason.toString());
        }
        return new ApiProblem(503, "store_unavailable",
                "the database is unavailable right now; retry shortly", null, java.util.List.of(), Duration.ofSeconds(2));
    }

    private static Throwable reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectionException || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return t;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    // 08: connection exception; 57P01-03: the server is shutting down or starting
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return t;
            }
            if (t instanceof SQLException && "Connection is closed".equals(t.getMessage())) {
                return t; // Hikari's proxy for a connection the pool evicted when the database went away (no SQL state)
            }
            if ((t instanceof ConnectException || t instanceof SocketException) && hasSqlAbove(error, t)) {
                return t;
            }
        }
        return null;
    }

    /** Whether a SQLException wraps {@code socket}: a socket failure elsewhere (a provider) is not the store's. */
    private static boolean hasSqlAbove(Throwable error, Throwable socket) {
        for (Throwable t = error; t != null && t != socket; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
