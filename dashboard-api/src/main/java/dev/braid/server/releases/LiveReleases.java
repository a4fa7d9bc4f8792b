package dev.braid.server.releases;

import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.cluster.InstanceNotifications;
import dev.braid.server.cluster.InstanceNotifications.Channel;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running releases as this instance applies them, and the arm decision for every unpinned call.
 * The database is the truth: a change made here is applied at once, another instance's arrives by
 * PostgreSQL NOTIFY on {@link #CHANNEL} (within a second), and a periodic reload of every running
 * release is the safety net (and the only mechanism on H2). The decision reads one immutable value
 * per pipeline from a map and hashes the sticky value: no database, no lock, no allocation.
 */
@Singleton
public class LiveReleases {

    /** The PostgreSQL NOTIFY channel; the payload is the pipeline's name. */
    public static final String CHANNEL = "braid_releases";

    private static final Logger LOG = LoggerFactory.getLogger(LiveReleases.class);

    /** One running release as routing needs it, with its two answers made once. */
    record Live(String id, long seed, int weight, Sticky sticky, int shadowPercent, int candidate, Route stable,
            Route toCandidate) {

        static Live of(Release r) {
            return new Live(r.id(), LiveReleases.seed(r.id()), r.weight(), r.sticky(), r.shadowPercent(), r.candidate(),
                    new Route(r.stable(), r.id(), Route.STABLE), new Route(r.candidate(), r.id(), Route.CANDIDATE));
        }
    }

    /** Names the version that answered, on every invoke and {@code pipeline/<name>} answer. */
    public static final String VERSION_HEADER = "Braid-Pipeline-Version";

    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final PipelineRuntime runtime;
    private final ReleaseStore store;
    private final InstanceNotifications notifications;
    private final ReleasesConfiguration configuration;
    private ScheduledExecutorService timer;
    private volatile boolean reloadFailing;

    public LiveReleases(PipelineRuntime runtime, ReleaseStore store, InstanceNotifications notifications,
            ReleasesConfiguration configuration) {
        this.runtime = runtime;
        this.store = store;
        this.notifications = notifications;
        this.configuration = configuration;
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (timer != null) {
            return;
        }
        reloadAll();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "braid-releases-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(50, configuration.reloadInterval().toMillis());
        timer.scheduleWithFixedDelay(this::reloadAll, ms, ms, TimeUnit.MILLISECONDS);
        notifications.register(new Channel(CHANNEL, this::reload, this::reloadAll));
    }

    @PreDestroy
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /**
     * Where an invoke or {@code pipeline/<name>} call goes: a pinned call bypasses releases; otherwise
     * the candidate when {@code hash(releaseId, stickyValue) mod 10000 < weight × 100}.
     *
     * @param keyId the caller's API key id (sticky {@code key}), or null
     * @param header a request header by name (sticky {@code header:<Name>}); a missing one decides at random
     */
    public Route route(String pipeline, @Nullable Integer pinned, @Nullable String keyId,
            Function<String, String> header) {
        if (pinned != null) {
            return Route.pinned(pinned);
        }
        Live r = live.get(pipeline);
        if (r == null) {
            return Route.ACTIVE;
        }
        if (r.weight <= 0) {
            return r.stable;
        }
        if (r.weight >= 100) {
            return r.toCandidate;
        }
        String value = r.sticky instanceof Sticky.Header h ? header.apply(h.name())
                : r.sticky instanceof Sticky.Key ? keyId : null;
        int bucket = value == null ? ThreadLocalRandom.current().nextInt(10_000) : bucket(r.seed, value);
        return bucket < r.weight * 100 ? r.toCandidate : r.stable;
    }

    /**
     * The version a call routed so will run on, for a header that must leave before the answer (a
     * stream's): the route's, else the active one; null when the pipeline has none.
     */
    public @Nullable Integer expectedVersion(String pipeline, Route route) {
        if (route.version() != null) {
            return route.version();
        }
        OptionalInt active = runtime.activeVersion(pipeline);
        return active.isPresent() ? active.getAsInt() : null;
    }

    /** Whether this call also runs on the candidate as a shadow; the candidate's version, else 0. */
    public int shadowOf(String pipeline, Route route) {
        Live r = live.get(pipeline);
        if (r == null || r.shadowPercent <= 0 || route.version() == null || !r.id.equals(route.releaseId())
                || Route.CANDIDATE.equals(route.arm())) {
            return 0;
        }
        return ThreadLocalRandom.current().nextInt(100) < r.shadowPercent ? r.candidate : 0;
    }

    /** The candidate's bucket of {@code value} in release {@code seed}: 0..9999, stable for a release. */
    static int bucket(long seed, String value) {
        long h = seed ^ 0xcbf29ce484222325L;
        for (int i = 0; i < value.length(); i++) {
            h ^= value.charAt(i);
            h *= 0x100000001b3L;
        }
        // splitmix64's finaliser: FNV-1a alone leaves the low bits of similar strings correlated
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (int) Long.remainderUnsigned(h, 10_000);
    }

    static long seed(String releaseId) {
        long h = 0x84222325cbf29ce4L;
        for (int i = 0; i < releaseId.length(); i++) {
            h = (h ^ releaseId.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** Applies {@code r} (running or ended) to this instance now. */
    public void apply(Release r) {
        if (r.running()) {
            live.put(r.pipeline(), Live.of(r));
        } else {
            live.computeIfPresent(r.pipeline(), (k, v) -> v.id.equals(r.id()) ? null : v);
        }
    }

    /** The running release of {@code pipeline} as the database says now. */
    void reload(String pipeline) {
        store.running(pipeline).ifPresentOrElse(this::apply, () -> live.remove(pipeline));
    }

    void reloadAll() {
        try {
            List<Release> running = store.allRunning();
            Set<String> names = new HashSet<>();
            for (Release r : running) {
                names.add(r.pipeline());
                Live had = live.get(r.pipeline());
                if (had == null || !had.id.equals(r.id()) || had.weight != r.weight()) {
                    apply(r);
                }
            }
            live.keySet().retainAll(names);
            if (reloadFailing) {
                LOG.info("Reading releases works again");
                reloadFailing = false;
            }
        } catch (RuntimeException e) {
            if (!reloadFailing) {
                LOG.warn("Reading releases failed (keeping the last known; will retry): {}", e.toString());
                reloadFailing = true;
            }
        }
    }

    /** The weight this instance applies to {@code pipeline}'s running release, or -1 when none runs here. */
    public int weight(String pipeline) {
        Live r = live.get(pipeline);
        return r == null ? -1 : r.weight;
    }
}
