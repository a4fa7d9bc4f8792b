package dev.braid.server.requestlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.mask.MaskPolicy;
import dev.braid.components.mask.MaskVault;
import dev.braid.components.mask.Masker;
import dev.braid.server.runtime.OutputSecrets;
import dev.braid.server.usage.DatabaseText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prompt and answer text of requests, when {@code braid.request-log.text} is on. A request
 * only offers what it already holds (its input and output objects) to a bounded queue: never
 * blocking, dropped and counted when full, nothing at all when text logging is off. One writer
 * thread turns them into text, masks it (every built-in PII entity of the {@code mask} step, then
 * {@code braid.guard.secrets} and provider keys as {@code [secret]}), cuts it to
 * {@code max-text-chars}, writes batches, and deletes text older than {@code text-retention}.
 */
@Singleton
public class RequestTexts {

    private static final Logger LOG = LoggerFactory.getLogger(RequestTexts.class);
    private static final int BATCH = 200;
    private static final long PRUNE_EVERY_MS = 60_000;
    private final long pruneEveryMs;

    /** What the queue may hold at once, by the callers' size hints: it holds live objects, not copies. */
    static final long MAX_PENDING_BYTES = 32L << 20;

    /** One request's text as captured: the raw objects, turned into text on the writer thread. */
    private record Captured(String requestId, @Nullable Object prompt, @Nullable Object answer, long atMs,
            long sizeHint) {}

    private final RequestLogConfiguration config;
    private final DataSource dataSource;
    private final ObjectMapper json;
    private final Masker masker = new Masker(new MaskPolicy(List.of(), Map.of(), false));
    private final List<String> literalSecrets = new ArrayList<>();
    private final List<Pattern> secretPatterns = new ArrayList<>();
    private final BlockingQueue<Captured> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    private long lastPrune;

    public RequestTexts(RequestLogConfiguration config, DataSource dataSource, ObjectMapper json,
            OutputSecrets secrets) {
        this.config = config;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.json = json;
        for (String s : secrets.secrets()) {
            if (s.startsWith("regex:")) {
                secretPatterns.add(Pattern.compile(s.substring("regex:".length())));
            } else if (!s.isEmpty()) {
                literalSecrets.add(s);
            }
        }
        // longest first: a secret that contains another is replaced whole
        literalSecrets.sort((a, b) -> b.length() - a.length());
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.pruneEveryMs = Math.max(200, Math.min(PRUNE_EVERY_MS, config.textRetention().toMillis() / 2));
        if (config.text()) {
            writer = new Thread(this::run, "braid-request-text-writer");
            writer.setDaemon(true);
            writer.start();
        } else {
            writer = null;
        }
    }

    /** Whether prompt and answer text is stored at all. */
    public boolean enabled() {
        return config.text();
    }

    /**
     * Offers one request's prompt and answer (a pipeline's input and output, a chat's messages and
     * reply); never blocks, a no-op when text logging is off. {@code sizeHint} (the request's size in
     * bytes, about) counts against {@link #MAX_PENDING_BYTES}; past it the text is dropped and counted.
     */
    public void offer(String requestId, @Nullable Object prompt, @Nullable Object answer, long sizeHint) {
        if (!config.text() || !running || requestId == null) {
            return;
        }
        long size = Math.max(0, sizeHint);
        // bounded by count and by size: a burst of 1 MB bodies must not pin gigabytes until written
        if (pendingBytes.addAndGet(size) > MAX_PENDING_BYTES
                || !queue.offer(new Captured(requestId, prompt, answer, System.currentTimeMillis(), size))) {
            pendingBytes.addAndGet(-size);
            dropped.incrementAndGet();
        }
    }

    /** Texts dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Texts written (for tests and metrics). */
    public long written() {
        return written.get();
    }

    /** The text as the log stores it: masked, secrets replaced, NUL-free, cut. */
    String storable(@Nullable Object value, boolean[] truncated) {
        if (value == null) {
            return null;
        }
        String text;
        if (value instanceof String s) {
            text = s;
        } else {
            try {
                text = json.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                text = String.valueOf(value);
            }
        }
        String masked = masker.mask(text, new MaskVault());
        for (String secret : literalSecrets) {
            masked = masked.replace(secret, "[secret]");
        }
        for (Pattern p : secretPatterns) {
            masked = p.matcher(masked).replaceAll("[secret]");
        }
        int max = config.maxTextChars();
        if (masked.length() > max) {
            truncated[0] = true;
        }
        return DatabaseText.clean(masked, max);
    }

    private void run() {
        List<Captured> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Captured first = queue.poll(250, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    pendingBytes.addAndGet(-batch.stream().mapToLong(Captured::sizeHint).sum());
                    write(batch);
                    batch.clear();
                }
                prune();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Request texts not written ({} dropped): {}", batch.size(), e.toString());
                batch.clear();
            }
        }
    }

    private void write(List<Captured> batch) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO request_texts"
                        + " (request_id, prompt, answer, truncated, occurred_at_ms) VALUES (?, ?, ?, ?, ?)")) {
            for (Captured t : batch) {
                boolean[] truncated = {false};
                ps.setString(1, DatabaseText.clean(t.requestId(), 128));
                ps.setString(2, storable(t.prompt(), truncated));
                ps.setString(3, storable(t.answer(), truncated));
                ps.setBoolean(4, truncated[0]);
                ps.setLong(5, t.atMs());
                ps.addBatch();
            }
            ps.executeBatch();
            written.addAndGet(batch.size());
        } catch (SQLException e) {
            dropped.addAndGet(batch.size());
            LOG.warn("Request texts not written ({} dropped): {}", batch.size(), e.toString());
        }
    }

    /** Deletes text older than the retention period, at most once a minute (more often for a retention under two minutes). */
    private void prune() {
        long now = System.currentTimeMillis();
        if (now - lastPrune < pruneEveryMs) {
            return;
        }
        lastPrune = now;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM request_texts WHERE occurred_at_ms < ?")) {
            ps.setLong(1, now - config.textRetention().toMillis());
            int n = ps.executeUpdate();
            if (n > 0) {
                LOG.info("Request log: deleted the text of {} requests older than {}", n, config.textRetention());
            }
        } catch (SQLException e) {
            LOG.warn("Request texts not pruned: {}", e.toString());
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.join(5000);
        }
    }
}
