package dev.braid.server.responses;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored responses ({@code stored_responses}, migration V24): saved when a response with
 * {@code store: true} completes, read for {@code GET} and {@code previous_response_id}, deleted by
 * {@code DELETE} or once past their TTL. Every read and delete is scoped to the caller ({@code owner}:
 * its key id, {@code ""} without a key), so another key's id is simply not found. JDBC runs on the
 * blocking executor: the stages returned here never block the caller's thread.
 */
@Singleton
public class ResponseStore {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseStore.class);

    private final DataSource dataSource;
    private final ExecutorService blocking;
    private final ResponsesConfiguration config;
    private final Clock clock;

    public ResponseStore(DataSource dataSource, @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
            ResponsesConfiguration config) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.blocking = blocking;
        this.config = config;
        this.clock = Clock.systemUTC();
    }

    /**
     * One stored response.
     *
     * @param input the conversation it answered, as a JSON array of input items
     * @param response the response object as answered, as JSON
     */
    record Stored(String id, String owner, String model, String input, String response, Instant createdAt) {}

    CompletionStage<Void> save(Stored stored) {
        return async(() -> {
            Instant now = clock.instant();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO stored_responses "
                            + "(id, owner, model, input, response, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, stored.id());
                ps.setString(2, stored.owner());
                ps.setString(3, stored.model());
                ps.setString(4, stored.input());
                ps.setString(5, stored.response());
                ps.setObject(6, utc(stored.createdAt()));
                ps.setObject(7, utc(now.plus(config.ttl())));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The caller's stored response {@code id}, unless it expired. */
    CompletionStage<Optional<Stored>> find(String id, String owner) {
        return async(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT id, owner, model, input, response, created_at "
                            + "FROM stored_responses WHERE id = ? AND owner = ? AND expires_at > ?")) {
                ps.setString(1, id);
                ps.setString(2, owner);
                ps.setObject(3, utc(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Stored(rs.getString("id"), rs.getString("owner"), rs.getString("model"),
                            rs.getString("input"), rs.getString("response"),
                            rs.getObject("created_at", OffsetDateTime.class).toInstant()));
                }
            }
        });
    }

    /** Deletes the caller's stored response {@code id}; whether there was one (an expired one counts as gone). */
    CompletionStage<Boolean> delete(String id, String owner) {
        return async(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM stored_responses WHERE id = ? AND owner = ? AND expires_at > ?")) {
                ps.setString(1, id);
                ps.setString(2, owner);
                ps.setObject(3, utc(clock.instant()));
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Deletes every expired row; how many. */
    int purgeExpired() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM stored_responses WHERE expires_at <= ?")) {
            ps.setObject(1, utc(clock.instant()));
            return ps.executeUpdate();
        }
    }

    @Scheduled(fixedDelay = "${braid.responses.purge-interval:10m}", initialDelay = "1m")
    void purge() {
        try {
            int purged = purgeExpired();
            if (purged > 0) {
                LOG.info("purged {} expired stored responses", purged);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("purging expired stored responses failed: {}", e.toString());
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> CompletionStage<T> async(Work<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, blocking);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
