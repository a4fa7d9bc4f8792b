package dev.braid.server.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.server.files.FileStore;
import dev.braid.server.files.StoredFile;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Batches and their lines in the database: the only state a batch has, so any instance can run,
 * finish or resume any batch. Creating a batch validates its file and stores its lines in one
 * transaction (a crash leaves no half batch). Workers claim lines with {@code FOR UPDATE SKIP
 * LOCKED} (PostgreSQL and H2 both read it) under a lease; a line's result is stored only by the
 * worker that still holds it, in the same statement that marks it done, so a line re-run after
 * its instance died is stored once. A batch is finished under a lock on its row: its output and
 * error files are written from the stored results, with ids derived from the batch's, so a
 * finisher that dies half-way is simply repeated.
 */
@Singleton
public class BatchStore {

    private final DataSource dataSource;
    private final FileStore files;
    private final ObjectMapper json;

    public BatchStore(DataSource dataSource, FileStore files, ObjectMapper json) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.files = files;
        this.json = json;
    }

    /** A line a worker holds. */
    public record Claimed(String batchId, int line, String customId, String body, String target, int attempts) {}

    // ---- creating ------------------------------------------------------------------------------

    /**
     * Creates a batch over {@code input}: {@code in_progress} with its lines stored, or
     * {@code failed} with every bad line in {@code errors} and no line stored.
     */
    public Batch create(@Nullable String owner, String endpoint, StoredFile input, String window, long windowSeconds,
            @Nullable JsonNode metadata) {
        String id = FileStore.newId("batch_");
        long now = FileStore.nowSeconds();
        BatchValidator validator = new BatchValidator(json, endpoint);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            List<BatchValidator.Problem> problems;
            int[] count = {0};
            try {
                insertBatch(c, id, owner, endpoint, input.id(), window, metadata, now);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO batch_lines "
                        + "(batch_id, line, custom_id, body, target, state) VALUES (?, ?, ?, ?, ?, 'pending')");
                        InputStream in = files.open(input.id())) {
                    SqlConsumer sql = new SqlConsumer();
                    problems = validator.read(in, line -> sql.run(() -> {
                        insert.setString(1, id);
                        insert.setInt(2, line.line());
                        insert.setString(3, line.customId());
                        insert.setString(4, line.body());
                        insert.setString(5, line.target());
                        insert.addBatch();
                        if (++count[0] % 500 == 0) {
                            insert.executeBatch();
                        }
                    }));
                    sql.rethrow();
                    if (problems.isEmpty() && count[0] % 500 != 0) {
                        insert.executeBatch();
                    }
                }
                if (problems.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement("UPDATE batches SET status = 'in_progress', "
                            + "line_count = ?, in_progress_at = ?, expires_at = ? WHERE id = ?")) {
                        s.setInt(1, count[0]);
                        s.setLong(2, now);
                        s.setLong(3, now + windowSeconds);
                        s.setString(4, id);
                        s.executeUpdate();
                    }
                    c.commit();
                    return find(id).orElseThrow();
                }
                c.rollback();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            // a bad file: the batch exists, failed, with no lines
            try {
                insertBatch(c, id, owner, endpoint, input.id(), window, metadata, now);
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE batches SET status = 'failed', errors = ?, failed_at = ? WHERE id = ?")) {
                    s.setString(1, errorsJson(problems));
                    s.setLong(2, now);
                    s.setString(3, id);
                    s.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            return find(id).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException("storing the batch failed", e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void insertBatch(Connection c, String id, String owner, String endpoint, String inputFileId, String window,
            JsonNode metadata, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO batches (id, owner_key, endpoint, input_file_id, "
                + "completion_window, metadata, status, line_count, created_at) VALUES (?, ?, ?, ?, ?, ?, 'validating', 0, ?)")) {
            s.setString(1, id);
            s.setString(2, owner);
            s.setString(3, endpoint);
            s.setString(4, inputFileId);
            s.setString(5, window);
            s.setString(6, metadata == null ? null : metadata.toString());
            s.setLong(7, now);
            s.executeUpdate();
        }
    }

    private String errorsJson(List<BatchValidator.Problem> problems) {
        ObjectNode errors = json.createObjectNode();
        errors.put("object", "list");
        ArrayNode data = errors.putArray("data");
        for (BatchValidator.Problem p : problems) {
            ObjectNode e = data.addObject();
            e.put("code", p.code());
            e.put("message", p.message());
            e.putNull("param");
            if (p.line() == null) {
                e.putNull("line");
            } else {
                e.put("line", p.line());
            }
        }
        return errors.toString();
    }

    /** Carries a SQLException out of a lambda. */
    private static final class SqlConsumer {
        interface Sql {
            void run() throws SQLException;
        }

        private SQLException failure;

        void run(Sql sql) {
            if (failure != null) {
                return;
            }
            try {
                sql.run();
            } catch (SQLException e) {
                failure = e;
            }
        }

        void rethrow() throws SQLException {
            if (failure != null) {
                throw failure;
            }
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    public Optional<Batch> find(String id) {
        if (!FileStore.plausibleId(id)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT * FROM batches WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the batch failed", e);
        }
    }

    /** Newest first; {@code owner}'s only unless {@code all}; after batch {@code after} when given. */
    public List<Batch> list(@Nullable String owner, boolean all, int limit, @Nullable String after) {
        StringBuilder sql = new StringBuilder("SELECT * FROM batches WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!all) {
            sql.append(owner == null ? " AND owner_key IS NULL" : " AND owner_key = ?");
            if (owner != null) {
                args.add(owner);
            }
        }
        if (after != null && FileStore.plausibleId(after)) {
            sql.append(" AND created_seq < (SELECT created_seq FROM batches WHERE id = ?)");
            args.add(after);
        }
        sql.append(" ORDER BY created_seq DESC LIMIT ").append(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            List<Batch> batches = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    batches.add(read(rs));
                }
            }
            return batches;
        } catch (SQLException e) {
            throw new IllegalStateException("listing batches failed", e);
        }
    }

    public Batch.Counts counts(String id) {
        long now = System.currentTimeMillis();
        try (Connection c = dataSource.getConnection()) {
            return counts(c, id, now);
        } catch (SQLException e) {
            throw new IllegalStateException("counting lines failed", e);
        }
    }

    /** {@code running} counts only lines whose lease still holds (a dead instance's lines do not). */
    private static Batch.Counts counts(Connection c, String id, long nowMs) throws SQLException {
        int done = 0;
        int failed = 0;
        int pending = 0;
        int running = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT state, COUNT(*), "
                + "SUM(CASE WHEN claimed_until >= ? THEN 1 ELSE 0 END) FROM batch_lines WHERE batch_id = ? GROUP BY state")) {
            s.setLong(1, nowMs);
            s.setString(2, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int n = rs.getInt(2);
                    switch (rs.getString(1)) {
                        case "done" -> done = n;
                        case "failed" -> failed = n;
                        case "pending" -> pending = n;
                        case "running" -> running = rs.getInt(3);
                        default -> { }
                    }
                }
            }
        }
        return new Batch.Counts(done, failed, pending, running);
    }

    /** Whether any line of the batch is still running, a dead instance's included. */
    private static int allRunning(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM batch_lines WHERE batch_id = ? AND state = 'running'")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    // ---- cancelling ----------------------------------------------------------------------------

    /** Asks batch {@code id} to stop: {@code cancelling} until its running lines are stored. */
    public boolean cancel(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE batches SET status = 'cancelling', cancelling_at = ? "
                        + "WHERE id = ? AND status IN ('validating', 'in_progress')")) {
            s.setLong(1, FileStore.nowSeconds());
            s.setString(2, id);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cancelling the batch failed", e);
        }
    }

    // ---- working -------------------------------------------------------------------------------

    /**
     * Claims up to {@code max} lines of running batches for {@code worker} until {@code leaseMs}
     * from now: pending lines whose time has come, and lines whose holder's lease ran out.
     */
    public List<Claimed> claim(String worker, int max, long leaseMs) {
        if (max <= 0) {
            return List.of();
        }
        long now = System.currentTimeMillis();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Claimed> claimed = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("SELECT batch_id, line, custom_id, body, target, attempts "
                        + "FROM batch_lines WHERE ((state = 'pending' AND not_before_ms <= ?) "
                        + "OR (state = 'running' AND claimed_until < ?)) "
                        + "AND batch_id IN (SELECT id FROM batches WHERE status = 'in_progress') "
                        + "ORDER BY batch_id, line LIMIT " + max + " FOR UPDATE SKIP LOCKED")) {
                    s.setLong(1, now);
                    s.setLong(2, now);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            claimed.add(new Claimed(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getInt(6) + 1));
                        }
                    }
                }
                if (!claimed.isEmpty()) {
                    try (PreparedStatement u = c.prepareStatement("UPDATE batch_lines SET state = 'running', "
                            + "claimed_by = ?, claimed_until = ?, attempts = ? WHERE batch_id = ? AND line = ?")) {
                        for (Claimed line : claimed) {
                            u.setString(1, worker);
                            u.setLong(2, now + leaseMs);
                            u.setInt(3, line.attempts());
                            u.setString(4, line.batchId());
                            u.setInt(5, line.line());
                            u.addBatch();
                        }
                        u.executeBatch();
                    }
                }
                c.commit();
                return claimed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("claiming batch lines failed", e);
        }
    }

    /**
     * Stores a line's result ({@code done} or {@code failed}) if {@code worker} still holds it;
     * false when another worker took it over (its result will be stored instead).
     */
    public boolean store(String worker, String batchId, int line, LineState state, String result) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE batch_lines SET state = ?, result = ?, "
                        + "claimed_by = NULL, claimed_until = NULL "
                        + "WHERE batch_id = ? AND line = ? AND state = 'running' AND claimed_by = ?")) {
            s.setString(1, state.wire());
            s.setString(2, result);
            s.setString(3, batchId);
            s.setInt(4, line);
            s.setString(5, worker);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("storing a line's result failed", e);
        }
    }

    /** Puts a line back to wait until {@code notBeforeMs} (a 429), if {@code worker} still holds it. */
    public boolean retryLater(String worker, String batchId, int line, long notBeforeMs) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE batch_lines SET state = 'pending', not_before_ms = ?, "
                        + "claimed_by = NULL, claimed_until = NULL "
                        + "WHERE batch_id = ? AND line = ? AND state = 'running' AND claimed_by = ?")) {
            s.setLong(1, notBeforeMs);
            s.setString(2, batchId);
            s.setInt(3, line);
            s.setString(4, worker);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("rescheduling a line failed", e);
        }
    }

    /** Hands back lines {@code worker} holds but will not run (shutting down): they run elsewhere at once. */
    public void release(String worker, List<Claimed> lines) {
        for (Claimed line : lines) {
            retryLater(worker, line.batchId(), line.line(), 0);
        }
    }

    /**
     * Moves every unfinished batch on: an {@code in_progress} batch past its window stops taking
     * lines ({@code finalizing}, to end {@code expired}); one with no line left, a
     * {@code finalizing} or {@code cancelling} one with no line running, gets its files and its
     * final status. Returns the batches it finished.
     */
    public List<String> sweep() {
        List<String> finished = new ArrayList<>();
        List<Batch> open = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT * FROM batches WHERE status IN ('in_progress', 'finalizing', 'cancelling')")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading open batches failed", e);
        }
        long nowSeconds = FileStore.nowSeconds();
        for (Batch b : open) {
            if (b.status() == BatchStatus.IN_PROGRESS && b.expiresAt() != null && nowSeconds >= b.expiresAt()) {
                expire(b.id(), nowSeconds);
                b = find(b.id()).orElse(b);
            }
            Batch.Counts counts = counts(b.id());
            boolean ready = switch (b.status()) {
                case IN_PROGRESS -> counts.pending() == 0 && counts.running() == 0 && noneRunning(b.id());
                case FINALIZING, CANCELLING -> counts.running() == 0;
                default -> false;
            };
            if (ready && finish(b.id())) {
                finished.add(b.id());
            }
        }
        return finished;
    }

    private boolean noneRunning(String id) {
        try (Connection c = dataSource.getConnection()) {
            return allRunning(c, id) == 0;
        } catch (SQLException e) {
            throw new IllegalStateException("counting lines failed", e);
        }
    }

    private void expire(String id, long now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE batches SET status = 'finalizing', finalizing_at = ?, "
                        + "expired_at = ? WHERE id = ? AND status = 'in_progress'")) {
            s.setLong(1, now);
            s.setLong(2, now);
            s.setString(3, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("expiring the batch failed", e);
        }
    }

    /** Writes the files and the final status under the batch row's lock; false when another instance did. */
    private boolean finish(String id) {
        long now = FileStore.nowSeconds();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Batch b;
                try (PreparedStatement s = c.prepareStatement("SELECT * FROM batches WHERE id = ? FOR UPDATE")) {
                    s.setString(1, id);
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return false;
                        }
                        b = read(rs);
                    }
                }
                if (b.status().terminal() || b.status() == BatchStatus.VALIDATING) {
                    c.rollback();
                    return false;
                }
                Batch.Counts counts = counts(c, id, System.currentTimeMillis());
                if (b.status() == BatchStatus.IN_PROGRESS && (counts.pending() > 0 || allRunning(c, id) > 0)) {
                    c.rollback();
                    return false;
                }
                BatchStatus end = switch (b.status()) {
                    case CANCELLING -> BatchStatus.CANCELLED;
                    case FINALIZING -> b.expiredAt() != null ? BatchStatus.EXPIRED : BatchStatus.COMPLETED;
                    default -> BatchStatus.COMPLETED;
                };
                String suffix = id.substring("batch_".length());
                String outputId = null;
                String errorId = null;
                if (counts.done() > 0 || end == BatchStatus.COMPLETED) {
                    outputId = "file-" + suffix + "out";
                    writeResults(c, b, outputId, "done", "batch_" + suffix + "_output.jsonl");
                }
                if (counts.failed() > 0) {
                    errorId = "file-" + suffix + "err";
                    writeResults(c, b, errorId, "failed", "batch_" + suffix + "_error.jsonl");
                }
                String column = switch (end) {
                    case CANCELLED -> "cancelled_at";
                    case EXPIRED -> "expired_at";
                    default -> "completed_at";
                };
                try (PreparedStatement s = c.prepareStatement("UPDATE batches SET status = ?, output_file_id = ?, "
                        + "error_file_id = ?, finalizing_at = COALESCE(finalizing_at, ?), " + column + " = COALESCE("
                        + column + ", ?) WHERE id = ?")) {
                    s.setString(1, end.wire());
                    s.setString(2, outputId);
                    s.setString(3, errorId);
                    s.setLong(4, now);
                    s.setLong(5, now);
                    s.setString(6, id);
                    s.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("finishing the batch failed", e);
        }
    }

    private void writeResults(Connection c, Batch b, String fileId, String state, String filename) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT result FROM batch_lines WHERE batch_id = ? AND state = ? ORDER BY line")) {
            s.setFetchSize(500);
            s.setString(1, b.id());
            s.setString(2, state);
            try (ResultSet rs = s.executeQuery()) {
                files.writeGenerated(c, fileId, b.ownerKey(), filename, new Iterator<>() {
                    private Boolean has;

                    @Override
                    public boolean hasNext() {
                        if (has == null) {
                            try {
                                has = rs.next();
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                        return has;
                    }

                    @Override
                    public String next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        has = null;
                        try {
                            return rs.getString(1);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
        }
    }

    private Batch read(ResultSet rs) throws SQLException {
        return new Batch(rs.getString("id"), rs.getString("owner_key"), rs.getString("endpoint"),
                rs.getString("input_file_id"), rs.getString("completion_window"), tree(rs.getString("metadata")),
                BatchStatus.parse(rs.getString("status")), tree(rs.getString("errors")), rs.getInt("line_count"),
                rs.getString("output_file_id"), rs.getString("error_file_id"), rs.getLong("created_at"),
                nullableLong(rs, "in_progress_at"), nullableLong(rs, "expires_at"), nullableLong(rs, "finalizing_at"),
                nullableLong(rs, "completed_at"), nullableLong(rs, "failed_at"), nullableLong(rs, "expired_at"),
                nullableLong(rs, "cancelling_at"), nullableLong(rs, "cancelled_at"));
    }

    private JsonNode tree(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

}
