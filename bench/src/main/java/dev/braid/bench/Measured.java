package dev.braid.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A gateway process the suite measures from outside, through /proc: resident memory and CPU time.
 * The same readings for Braid (a JVM) and Portkey (Node), so their figures compare.
 */
interface Measured {

    /** The process that does the work (the JVM or node, not a launcher script around it). */
    long pid();

    /** Resident set size in KiB (VmRSS of /proc/<pid>/status); -1 if unreadable. */
    default long rssKb() {
        return statusField(pid(), "VmRSS:");
    }

    /** Peak resident set size in KiB (VmHWM). */
    default long peakRssKb() {
        return statusField(pid(), "VmHWM:");
    }

    /** User + system CPU time in clock ticks (utime + stime, fields 14 and 15 of /proc/<pid>/stat; 100 per second). */
    default long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The process under {@code launched} whose command is {@code program} (a launcher script that does not
     * {@code exec} leaves the JVM as its child); {@code launched} itself when it is that program or none is found.
     */
    static long worker(Process launched, String program) {
        ProcessHandle self = launched.toHandle();
        if (self.info().command().map(c -> c.endsWith("/" + program)).orElse(false)) {
            return self.pid();
        }
        return self.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/" + program)).orElse(false))
                .map(ProcessHandle::pid).findFirst().orElse(self.pid());
    }
}
