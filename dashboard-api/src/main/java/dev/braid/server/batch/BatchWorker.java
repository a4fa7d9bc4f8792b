package dev.braid.server.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.server.files.FileStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process worker pool (the default, {@code braid.batch.broker: database}): one
 * low-priority dispatcher thread per instance claims lines from the database
 * ({@link BatchStore#claim}, {@code FOR UPDATE SKIP LOCKED}) up to {@code max-in-flight}, and
 * starts each when its target (provider, alias or pipeline) has fewer than {@code concurrency}
 * lines running. Nothing waits on a model: a line's call completes on the provider's thread and
 * its result is stored by a small low-priority pool before the line frees its slot. A 429 (the
 * provider's or the key's rate limit) puts the line back with {@code Retry-After} or an
 * exponential backoff, up to {@code max-attempts}. Every second the dispatcher also moves
 * batches on ({@link BatchStore#sweep}: expiry, cancel, files).
 * <p>
 * Live traffic comes first: batch lines take at most {@code max-in-flight} calls per instance,
 * the dispatcher and result writers run at the lowest thread priority, and they never touch the
 * HTTP event loops.
 */
@Singleton
@Requires(property = "braid.batch.workers", notEquals = "false")
public class BatchWorker {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWorker.class);

    private final BatchStore store;
    private final LineRunner runner;
    private final BatchConfiguration config;
    private final ObjectMapper json;
    private final String workerId = FileStore.newId("w_");
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, TargetGate> gates = new ConcurrentHashMap<>();
    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final ExecutorService writers;
    private final Counter done;
    private final Counter failed;
    private final Counter retried;
    private volatile Thread dispatcher;
    private volatile long lastWarning;

    public BatchWorker(BatchStore store, LineRunner runner, BatchConfiguration config, ObjectMapper json,
            MeterRegistry registry) {
        this.store = store;
        this.runner = runner;
        this.config = config;
        this.json = json;
        this.writers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "braid-batch-store");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        this.done = Counter.builder("braid.batch.lines").tag("outcome", "done")
                .description("Batch lines answered 2xx on this instance").register(registry);
        this.failed = Counter.builder("braid.batch.lines").tag("outcome", "failed")
                .description("Batch lines answered an error on this instance").register(registry);
        this.retried = Counter.builder("braid.batch.retries")
                .description("Batch lines put back after a 429").register(registry);
        Gauge.builder("braid.batch.in.flight", inFlight, AtomicInteger::get)
                .description("Batch lines this instance holds").register(registry);
    }

    /** Whether the database broker runs here (RabbitMQ mode starts its own consumers). */
    boolean enabled() {
        return config.broker() == BatchConfiguration.Broker.DATABASE;
    }

    /**
     * After the server started, so after the registry loaded the stored pipelines (its startup
     * listener): a line started earlier met "no pipeline named …" on a restarted instance.
     */
    @EventListener
    void onStartup(ServerStartupEvent event) {
        if (config.broker() == BatchConfiguration.Broker.RABBITMQ) {
            // not built yet: refusing beats batches that silently never run
            throw new io.micronaut.context.exceptions.ConfigurationException(
                    "braid.batch.broker: rabbitmq is not available in this build; use database (the default)");
        }
        if (!enabled() || !running.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(this::loop, "braid-batch-dispatch");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        dispatcher = t;
        t.start();
    }

    @PreDestroy
    void stop() {
        running.set(false);
        Thread t = dispatcher;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<BatchStore.Claimed> waiting = new ArrayList<>();
        gates.values().forEach(g -> waiting.addAll(g.drain()));
        try {
            store.release(workerId, waiting); // they run elsewhere at once instead of after the lease
        } catch (RuntimeException e) {
            // the lease frees them later
        }
        writers.shutdown();
        try {
            writers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wakes the dispatcher (a batch was created, or a slot freed). */
    public void wake() {
        Thread t = dispatcher;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void loop() {
        long lastSweep = 0;
        long pollNanos = config.pollInterval().toNanos();
        while (running.get()) {
            try {
                long now = System.currentTimeMillis();
                if (now - lastSweep >= 1000) {
                    lastSweep = now;
                    store.sweep();
                }
                int free = config.maxInFlight() - inFlight.get();
                int claimedCount = 0;
                // claim in bunches: one round trip per quarter of the window, not per freed slot
                if (free > 0 && (free >= Math.max(1, config.maxInFlight() / 4) || inFlight.get() == 0)) {
                    List<BatchStore.Claimed> claimed = store.claim(workerId, free, config.lease().toMillis());
                    claimedCount = claimed.size();
                    for (BatchStore.Claimed line : claimed) {
                        dispatch(line);
                    }
                }
                if (claimedCount == 0 || claimedCount == free) {
                    LockSupport.parkNanos(claimedCount == 0 ? pollNanos : pollNanos / 10);
                }
            } catch (RuntimeException e) {
                warn("batch dispatcher: " + e.getMessage());
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            }
            if (Thread.interrupted() && !running.get()) {
                return;
            }
        }
    }

    private void dispatch(BatchStore.Claimed line) {
        inFlight.incrementAndGet();
        gates.computeIfAbsent(line.target(), t -> new TargetGate(config.concurrency())).submit(line);
    }

    private void run(BatchStore.Claimed line, TargetGate gate) {
        Batch batch;
        try {
            batch = batches.computeIfAbsent(line.batchId(), id -> store.find(id).orElseThrow());
        } catch (RuntimeException e) {
            finished(line, gate);
            return;
        }
        String requestId = requestId(line);
        runner.run(batch, line, requestId).whenComplete((outcome, error) -> writers.execute(() -> {
            try {
                record(line, requestId, outcome);
            } catch (RuntimeException e) {
                warn("storing a batch line's result failed (it runs again after its lease): " + e.getMessage());
            } finally {
                finished(line, gate);
            }
        }));
    }

    private void record(BatchStore.Claimed line, String requestId, LineRunner.Outcome outcome) {
        if (!outcome.ok() && retryable(outcome) && line.attempts() < config.maxAttempts()) {
            long wait = outcome.retryAfter() != null ? outcome.retryAfter().toMillis()
                    : Math.min(60_000, 500L << Math.min(10, line.attempts() - 1));
            wait += ThreadLocalRandom.current().nextLong(1 + wait / 5); // spread the herd
            if (store.retryLater(workerId, line.batchId(), line.line(), System.currentTimeMillis() + wait)) {
                retried.increment();
            }
            return;
        }
        ObjectNode out = json.createObjectNode();
        out.put("id", "batch_req_" + FileStore.newId("").substring(0, 24));
        out.put("custom_id", line.customId());
        ObjectNode response = out.putObject("response");
        response.put("status_code", outcome.status());
        response.put("request_id", requestId);
        response.set("body", outcome.body());
        out.putNull("error");
        boolean stored = store.store(workerId, line.batchId(), line.line(),
                outcome.ok() ? LineState.DONE : LineState.FAILED, out.toString());
        if (stored) {
            (outcome.ok() ? done : failed).increment();
        }
    }

    /** Rate limits pass; budgets, quotas and a provider out of credit do not. */
    private static boolean retryable(LineRunner.Outcome outcome) {
        return outcome.status() == 429
                && ("provider_rate_limited".equals(outcome.code()) || "rate_limited".equals(outcome.code()));
    }

    private void finished(BatchStore.Claimed line, TargetGate gate) {
        inFlight.decrementAndGet();
        gate.release();
        wake();
    }

    /**
     * The request id of one attempt at a line: usage rows and traces quote it. A line run again
     * (after a 429, or because its instance died before storing its result) gets a new one, so
     * usage shows every call that happened.
     */
    static String requestId(BatchStore.Claimed line) {
        String id = "breq_" + line.batchId().substring("batch_".length()) + "_" + line.line();
        return line.attempts() > 1 ? id + "_a" + line.attempts() : id;
    }

    private void warn(String message) {
        long now = System.currentTimeMillis();
        if (now - lastWarning > 10_000) {
            lastWarning = now;
            LOG.warn(message);
        }
    }

    /** At most {@code permits} lines of one target running; the rest wait here, in claim order. */
    private final class TargetGate {

        private final int permits;
        private final Queue<BatchStore.Claimed> waiting = new ArrayDeque<>();
        private int active;

        TargetGate(int permits) {
            this.permits = permits;
        }

        void submit(BatchStore.Claimed line) {
            synchronized (this) {
                if (active >= permits) {
                    waiting.add(line);
                    return;
                }
                active++;
            }
            run(line, this);
        }

        void release() {
            BatchStore.Claimed next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    active--;
                    return;
                }
            }
            run(next, this);
        }

        synchronized List<BatchStore.Claimed> drain() {
            List<BatchStore.Claimed> all = new ArrayList<>(waiting);
            waiting.clear();
            return all;
        }
    }
}
