package dev.braid.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives one target with either a closed model (N connections, each sending its next request when
 * the previous answer arrived: throughput at a concurrency) or an open model (requests scheduled at a
 * fixed rate; each latency counts from the request's <em>intended</em> start, so a stalled server
 * cannot hide its stall by delaying the requests that would have measured it: no coordinated
 * omission). Latencies are recorded in microseconds in HdrHistograms, one per thread, merged at the end.
 */
final class LoadDriver {

    private LoadDriver() {
    }

    /** What to send and what counts as success; {@code observer} sees every response (may be null). */
    record Target(String host, int port, byte[] request, boolean streaming, Check check, Observer observer) {
        Target(String host, int port, byte[] request, boolean streaming) {
            this(host, port, request, streaming, r -> r.status() == 200, null);
        }

        Target observed(Observer o) {
            return new Target(host, port, request, streaming, check, o);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok(HttpConn.Response response);
    }

    @FunctionalInterface
    interface Observer {
        /** @param doneNanos System.nanoTime() when the response was complete */
        void seen(long doneNanos, HttpConn.Response response);
    }

    /** One run's numbers; latencies and time-to-first-token in microseconds. */
    record Result(long ok, long failed, double seconds, Histogram latency, Histogram firstToken) {
        double rate() {
            return ok / seconds;
        }
    }

    private static Histogram histogram() {
        return new Histogram(120_000_000L, 3);
    }

    private static final class Worker {
        final Histogram latency = histogram();
        final Histogram firstToken = histogram();
        long ok;
        long failed;
    }

    /** Closed model: {@code concurrency} connections back to back for {@code duration}. */
    static Result closed(Target target, int concurrency, Duration duration) throws InterruptedException {
        return closed(target, concurrency, duration, () -> false, Duration.ZERO);
    }

    /**
     * Closed model for at least {@code duration}, then on while {@code extend} says so, up to {@code cap} more: a scenario
     * that waits for something to happen under load (a version switch seen) must not lose it to a slow, shared machine.
     */
    static Result closed(Target target, int concurrency, Duration duration, BooleanSupplier extend, Duration cap)
            throws InterruptedException {
        long start = System.nanoTime();
        long minEnd = start + duration.toNanos();
        long capEnd = minEnd + cap.toNanos();
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker();
            workers.add(w);
            threads.add(new Thread(() -> {
                try (HttpConn conn = new HttpConn(target.host(), target.port())) {
                    for (long now = System.nanoTime(); now < minEnd || (now < capEnd && extend.getAsBoolean()); now = System.nanoTime()) {
                        one(target, conn, w, now);
                    }
                }
            }, "load-" + i));
        }
        return run(threads, workers, start);
    }

    /** A fixed number of requests, {@code n}, over {@code concurrency} connections back to back (for CPU time per request). */
    static Result count(Target target, int concurrency, long n) throws InterruptedException {
        long start = System.nanoTime();
        AtomicLong slots = new AtomicLong();
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker();
            workers.add(w);
            threads.add(new Thread(() -> {
                try (HttpConn conn = new HttpConn(target.host(), target.port())) {
                    while (slots.getAndIncrement() < n) {
                        one(target, conn, w, System.nanoTime());
                    }
                }
            }, "count-" + i));
        }
        return run(threads, workers, start);
    }

    /** Open model: {@code rate} requests per second for {@code duration} over up to {@code connections} connections. */
    static Result open(Target target, int rate, Duration duration, int connections) throws InterruptedException {
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime() + 20_000_000L;
        long total = duration.toNanos() / period;
        AtomicLong slots = new AtomicLong();
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker();
            workers.add(w);
            threads.add(new Thread(() -> {
                try (HttpConn conn = new HttpConn(target.host(), target.port())) {
                    for (long slot = slots.getAndIncrement(); slot < total; slot = slots.getAndIncrement()) {
                        long intended = start + slot * period;
                        for (long now = System.nanoTime(); now < intended; now = System.nanoTime()) {
                            LockSupport.parkNanos(intended - now);
                        }
                        one(target, conn, w, intended);
                    }
                }
            }, "rate-" + i));
        }
        return run(threads, workers, start);
    }

    private static void one(Target target, HttpConn conn, Worker w, long from) {
        try {
            HttpConn.Response r = conn.exchange(target.request(), target.streaming());
            long done = System.nanoTime();
            if (target.observer() != null) {
                target.observer().seen(done, r);
            }
            if (target.check().ok(r)) {
                w.ok++;
                w.latency.recordValue(Math.max(0, (done - from) / 1_000));
                if (target.streaming() && r.firstTokenNanos() > 0) {
                    w.firstToken.recordValue(Math.max(0, (r.firstTokenNanos() - from) / 1_000));
                }
            } else {
                w.failed++;
            }
        } catch (IOException | RuntimeException e) {
            w.failed++;
        }
    }

    private static Result run(List<Thread> threads, List<Worker> workers, long start) throws InterruptedException {
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram latency = histogram();
        Histogram firstToken = histogram();
        long ok = 0;
        long failed = 0;
        for (Worker w : workers) {
            latency.add(w.latency);
            firstToken.add(w.firstToken);
            ok += w.ok;
            failed += w.failed;
        }
        return new Result(ok, failed, seconds, latency, firstToken);
    }
}
