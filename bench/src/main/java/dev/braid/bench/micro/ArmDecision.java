package dev.braid.bench.micro;

import dev.braid.server.releases.Guard;
import dev.braid.server.releases.LiveReleases;
import dev.braid.server.releases.Release;
import dev.braid.server.releases.ReleaseState;
import dev.braid.server.releases.Route;
import dev.braid.server.releases.Sticky;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request arm decision of a running release (budget: 10 µs): a map read and a hash of the
 * sticky value, for a caller's key id and for a header value; and the decision with no release.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ArmDecision {

    private LiveReleases releases;
    private String[] keys;
    private Function<String, String> header;
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        releases = new LiveReleases(null, null, null, null);
        Guard guard = new Guard("5m", 300_000, 50, 0.02, null, null, null, null);
        releases.apply(new Release("rel_0123456789abcdef01234567", "by-key", 3, 4, ReleaseState.RUNNING, 25, 1,
                List.of(5, 25, 50, 100), 600_000, new Sticky.Key(), 0, guard, null, "bench", 0, 0, 0, null));
        releases.apply(new Release("rel_89abcdef0123456701234567", "by-header", 3, 4, ReleaseState.RUNNING, 25, 1,
                List.of(5, 25, 50, 100), 600_000, new Sticky.Header("X-User"), 0, guard, null, "bench", 0, 0, 0, null));
        keys = new String[1024];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = "key_" + Integer.toHexString(k * 7919) + "_customer";
        }
        header = name -> keys[i & 1023];
    }

    @Benchmark
    public Route stickyKey() {
        return releases.route("by-key", null, keys[i++ & 1023], header);
    }

    @Benchmark
    public Route stickyHeader() {
        i++;
        return releases.route("by-header", null, null, header);
    }

    @Benchmark
    public Route noRelease() {
        return releases.route("none", null, keys[i++ & 1023], header);
    }
}
