package dev.braid.server.usage;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue between requests and the usage table. {@link #record} only offers to an
 * {@link ArrayBlockingQueue}: when the queue is full the record is dropped and counted, so a slow
 * or dead database never slows a request. One writer thread takes up to {@code batchSize} records
 * or whatever arrived within {@code flushInterval} and hands them to the {@link UsageSink} as one
 * batch. Shutdown ({@link PreDestroy}) writes what is still queued.
 */
@Singleton
public class UsageRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);

    private final UsageSink sink;
    private final BlockingQueue<UsageRecord> queue;
    private final int batchSize;
    private final long flushNanos;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Object progress = new Object();
    private final Thread writer;
    private volatile boolean running = true;

    public UsageRecorder(UsageSink sink, UsageConfiguration config) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.batchSize = config.batchSize();
        this.flushNanos = config.flushInterval().toNanos();
        this.writer = new Thread(this::run, "braid-usage-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a record; never blocks. Returns false (and counts a drop) when the queue is full. */
    public boolean record(UsageRecord record) {
        if (!running || !queue.offer(record)) {
            dropped.incrementAndGet();
            return false;
        }
        accepted.incrementAndGet();
        return true;
    }

    public void recordAll(List<UsageRecord> records) {
        records.forEach(this::record);
    }

    /** Records waiting for the writer. */
    public int depth() {
        return queue.size();
    }

    public long dropped() {
        return dropped.get();
    }

    public long written() {
        return written.get();
    }

    /** Records lost because the sink failed (logged, counted, not retried). */
    public long failed() {
        return failed.get();
    }

    /**
     * Waits until every accepted record has been written or has failed, up to {@code timeout};
     * returns whether it got there. For shutdown and tests, never for a request.
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (written.get() + failed.get() < accepted.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    private void run() {
        List<UsageRecord> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                UsageRecord first = queue.poll(flushNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + flushNanos;
                while (batch.size() < batchSize) {
                    long left = deadline - System.nanoTime();
                    UsageRecord next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, batchSize - batch.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            if (!batch.isEmpty()) {
                write(batch);
                batch.clear();
            }
        }
    }

    private void write(List<UsageRecord> batch) {
        try {
            sink.write(List.copyOf(batch));
            written.addAndGet(batch.size());
        } catch (PartialWrite e) {
            written.addAndGet(batch.size() - e.failed());
            failed.addAndGet(e.failed());
            LOG.warn("usage: {} of {} records not written: {}", e.failed(), batch.size(),
                    e.getCause() == null ? "?" : e.getCause().getClass().getSimpleName());
        } catch (Exception e) {
            failed.addAndGet(batch.size());
            // the class and message only: a record's fields are not for the log
            LOG.warn("usage: {} records not written: {}", batch.size(), e.getClass().getSimpleName());
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /** Stops taking records and writes what is queued (bounded wait), so a graceful shutdown loses nothing. */
    @PreDestroy
    public void stop() {
        running = false;
        // no interrupt: H2 closes its file when a thread inside it is interrupted; the writer's
        // poll times out within flushInterval and it then drains the queue
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
