package dev.braid.bench;

import dev.braid.bench.LoadDriver.Result;
import dev.braid.bench.LoadDriver.Target;
import dev.braid.bench.Suite.Section;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * CPU time per request: the gateway process's utime+stime over a fixed number of requests, after the same
 * number unmeasured (JIT warm-up). The one figure a shared, loaded machine does not move much: other processes
 * delay a request but do not add to this process's CPU time. Everything the process does in that time counts
 * (usage writer, GC, JIT still compiling), as it would in production.
 */
final class CpuPerRequest {

    /** Connections for the fixed-count runs: enough to keep one core busy. */
    static final int CONCURRENCY = 8;

    /** What was measured: a path, a gateway, the µs per request of each repetition. */
    record Measure(String what, String gateway, long requests, double[] micros, long failed) {
        double median() {
            double[] v = micros.clone();
            Arrays.sort(v);
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
    }

    private final long requests;
    private final int repetitions;
    private final List<Measure> measures = new ArrayList<>();

    CpuPerRequest(long requests, int repetitions) {
        this.requests = requests;
        this.repetitions = repetitions;
    }

    List<Measure> measures() {
        return measures;
    }

    Measure measure(String what, String gateway, Measured process, Target target) throws InterruptedException {
        long failed = LoadDriver.count(target, CONCURRENCY, requests).failed();
        double[] micros = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long t0 = process.cpuTicks();
            Result r = LoadDriver.count(target, CONCURRENCY, requests);
            micros[i] = SideBySide.cpuMicros(process.cpuTicks() - t0, r.ok() + r.failed());
            failed += r.failed();
        }
        Measure m = new Measure(what, gateway, requests, micros, failed);
        measures.add(m);
        return m;
    }

    Section section() {
        StringBuilder sb = new StringBuilder("Process CPU time (utime+stime from /proc/<pid>/stat, 10 ms ticks) over " + requests
                + " requests on " + CONCURRENCY + " connections, after " + requests + " unmeasured ones; " + repetitions
                + " repetitions, the median is the figure. Braid's process is the JVM, Portkey's is node.\n\n"
                + "| request | gateway | CPU µs per request, median | repetitions, µs | failed |\n|---|---|---:|---|---:|\n");
        for (Measure m : measures) {
            List<String> reps = new ArrayList<>();
            for (double v : m.micros()) {
                reps.add(String.format(Locale.ROOT, "%.0f", v));
            }
            sb.append("| ").append(m.what()).append(" | ").append(m.gateway()).append(" | ")
                    .append(String.format(Locale.ROOT, "**%.0f**", m.median())).append(" | ").append(String.join(", ", reps))
                    .append(" | ").append(m.failed()).append(" |\n");
        }
        return new Section("CPU per request", sb.toString());
    }
}
