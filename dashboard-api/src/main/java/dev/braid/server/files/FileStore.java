package dev.braid.server.files;

import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Files in the database: metadata in {@code batch_files}, contents in {@code batch_file_chunks}
 * rows of at most {@link #CHUNK} bytes. An upload is read and written one chunk at a time, in one
 * transaction, so a file is either whole or absent and never held in memory whole; a reader
 * fetches one chunk at a time. The database, not a data directory, because every instance reads
 * every file (a batch created on one runs on all) and instances share no disk.
 */
@Singleton
public class FileStore {

    /** The size of a stored chunk. */
    public static final int CHUNK = 1 << 20;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private final DataSource dataSource;
    private final FilesConfiguration limits;

    public FileStore(DataSource dataSource, FilesConfiguration limits) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.limits = limits;
    }

    /** A new random id with {@code prefix} ({@code file-}, {@code batch_}, …). */
    public static String newId(String prefix) {
        StringBuilder b = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    public static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * Stores an upload read from {@code content}: 413 {@code file_too_large} past the byte limit,
     * 400 {@code too_many_lines} past the line limit (nothing is kept then).
     */
    public StoredFile upload(@Nullable String owner, String purpose, String filename, InputStream content) {
        String id = newId("file-");
        long created = nowSeconds();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long bytes = 0;
                int newlines = 0;
                int seq = 0;
                boolean endsWithNewline = true;
                byte[] chunk = new byte[CHUNK];
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO batch_file_chunks (file_id, seq, data) VALUES (?, ?, ?)")) {
                    while (true) {
                        int filled = readFully(content, chunk);
                        if (filled == 0) {
                            break;
                        }
                        bytes += filled;
                        if (bytes > limits.maxBytes()) {
                            throw new ProblemException(ApiProblem.of(413, "file_too_large",
                                    "the file is larger than " + limits.maxBytes() + " bytes", "file"));
                        }
                        for (int i = 0; i < filled; i++) {
                            if (chunk[i] == '\n') {
                                newlines++;
                            }
                        }
                        endsWithNewline = chunk[filled - 1] == '\n';
                        int lines = newlines + (endsWithNewline ? 0 : 1);
                        if (lines > limits.maxLines()) {
                            throw new ProblemException(ApiProblem.of(400, "too_many_lines",
                                    "the file has more than " + limits.maxLines() + " lines", "file"));
                        }
                        insert.setString(1, id);
                        insert.setInt(2, seq++);
                        insert.setBytes(3, filled == CHUNK ? chunk : java.util.Arrays.copyOf(chunk, filled));
                        insert.executeUpdate();
                    }
                }
                int lines = bytes == 0 ? 0 : newlines + (endsWithNewline ? 0 : 1);
                StoredFile file = new StoredFile(id, owner, purpose, filename, bytes, lines, created);
                insertMetadata(c, file);
                c.commit();
                return file;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing the file failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a generated file (a batch's output or error file) with id {@code id} from {@code lines}
     * (each without its newline) on {@code c}, replacing a half-written one of the same id: the
     * caller's transaction decides whether it exists.
     */
    public StoredFile writeGenerated(Connection c, String id, @Nullable String owner, String filename,
            Iterator<String> lines) throws SQLException {
        delete(c, id);
        long bytes = 0;
        int count = 0;
        int seq = 0;
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(CHUNK + 4096);
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO batch_file_chunks (file_id, seq, data) VALUES (?, ?, ?)")) {
            while (lines.hasNext()) {
                byte[] line = (lines.next() + "\n").getBytes(StandardCharsets.UTF_8);
                buffer.write(line, 0, line.length);
                bytes += line.length;
                count++;
                if (buffer.size() >= CHUNK) {
                    insert.setString(1, id);
                    insert.setInt(2, seq++);
                    insert.setBytes(3, buffer.toByteArray());
                    insert.executeUpdate();
                    buffer.reset();
                }
            }
            if (buffer.size() > 0) {
                insert.setString(1, id);
                insert.setInt(2, seq);
                insert.setBytes(3, buffer.toByteArray());
                insert.executeUpdate();
            }
        }
        StoredFile file = new StoredFile(id, owner, "batch_output", filename, bytes, count, nowSeconds());
        insertMetadata(c, file);
        return file;
    }

    private static void insertMetadata(Connection c, StoredFile file) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO batch_files "
                + "(id, owner_key, purpose, filename, bytes, line_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, file.id());
            s.setString(2, file.ownerKey());
            s.setString(3, file.purpose());
            s.setString(4, file.filename());
            s.setLong(5, file.bytes());
            s.setInt(6, file.lineCount());
            s.setLong(7, file.createdAt());
            s.executeUpdate();
        }
    }

    /**
     * Whether {@code id} could be an id this server made (letters, digits, {@code -} and {@code _}):
     * anything else (a NUL byte, which PostgreSQL text refuses, or 10 KB of junk) is simply absent.
     */
    public static boolean plausibleId(String id) {
        return id != null && id.length() <= 100 && id.matches("[A-Za-z0-9_-]+");
    }

    public Optional<StoredFile> find(String id) {
        if (!plausibleId(id)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT * FROM batch_files WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the file failed", e);
        }
    }

    /**
     * Files newest first, {@code owner}'s only unless null (an admin), of {@code purpose} unless
     * null, after the file {@code after} (its id) when given.
     */
    public List<StoredFile> list(@Nullable String owner, boolean all, @Nullable String purpose, int limit,
            @Nullable String after) {
        StringBuilder sql = new StringBuilder("SELECT * FROM batch_files WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!all) {
            sql.append(owner == null ? " AND owner_key IS NULL" : " AND owner_key = ?");
            if (owner != null) {
                args.add(owner);
            }
        }
        if (purpose != null) {
            sql.append(" AND purpose = ?");
            args.add(purpose);
        }
        if (after != null && plausibleId(after)) {
            Optional<StoredFile> cursor = find(after);
            if (cursor.isPresent()) {
                sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
                args.add(cursor.get().createdAt());
                args.add(cursor.get().createdAt());
                args.add(cursor.get().id());
            }
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            List<StoredFile> files = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    files.add(read(rs));
                }
            }
            return files;
        } catch (SQLException e) {
            throw new IllegalStateException("listing files failed", e);
        }
    }

    /** Deletes file {@code id}: false when there was none. */
    public boolean delete(String id) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean deleted = delete(c, id);
                c.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("deleting the file failed", e);
        }
    }

    private static boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement chunks = c.prepareStatement("DELETE FROM batch_file_chunks WHERE file_id = ?");
                PreparedStatement meta = c.prepareStatement("DELETE FROM batch_files WHERE id = ?")) {
            chunks.setString(1, id);
            chunks.executeUpdate();
            meta.setString(1, id);
            return meta.executeUpdate() > 0;
        }
    }

    /** The file's bytes, fetched one chunk at a time as they are read. */
    public InputStream open(String id) {
        return new ChunkStream(id);
    }

    /** Copies file {@code id} to {@code out}, one chunk at a time. */
    public void copy(String id, OutputStream out) throws IOException {
        try (InputStream in = open(id)) {
            in.transferTo(out);
        }
    }

    private byte[] chunk(String id, int seq) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT data FROM batch_file_chunks WHERE file_id = ? AND seq = ?")) {
            s.setString(1, id);
            s.setInt(2, seq);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the file failed", e);
        }
    }

    private final class ChunkStream extends InputStream {

        private final String id;
        private int seq;
        private byte[] current = new byte[0];
        private int pos;
        private boolean ended;

        ChunkStream(String id) {
            this.id = id;
        }

        private boolean fill() {
            while (!ended && pos >= current.length) {
                byte[] next = chunk(id, seq++);
                if (next == null) {
                    ended = true;
                } else {
                    current = next;
                    pos = 0;
                }
            }
            return pos < current.length;
        }

        @Override
        public int read() {
            return fill() ? current[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    private static StoredFile read(ResultSet rs) throws SQLException {
        return new StoredFile(rs.getString("id"), rs.getString("owner_key"), rs.getString("purpose"),
                rs.getString("filename"), rs.getLong("bytes"), rs.getInt("line_count"), rs.getLong("created_at"));
    }
}
