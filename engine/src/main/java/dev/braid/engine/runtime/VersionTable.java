package dev.braid.engine.runtime;

import dev.braid.engine.compile.StepKeys;
import dev.braid.engine.run.InvocationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Which versions are loaded, and where each pipeline's calls go ({@link Routing}, one immutable value
 * per pipeline, swapped atomically). Counts calls in flight per version, so a replaced version
 * drains before its routes go, and forces it out after the drain timeout. Changes (load, activate,
 * retire) are serialized by the caller's admin lock; reads and acquires are lock-free.
 */
final class VersionTable implements AutoCloseable {

    private final Map<String, LoadedVersion> loaded = new ConcurrentHashMap<>();
    private final Map<String, Routing> routing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService drainer;
    private final Duration drainTimeout;
    /** Removes a version's routes once it has drained or was forced out; under the admin lock. */
    private final Consumer<LoadedVersion> unloader;

    VersionTable(Duration drainTimeout, Consumer<LoadedVersion> unloader) {
        this.drainTimeout = drainTimeout;
        this.unloader = unloader;
        this.drainer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "braid-drain");
            t.setDaemon(true);
            return t;
        });
    }

    LoadedVersion get(String name, int version) {
        return loaded.get(StepKeys.versionKey(name, version));
    }

    boolean contains(String name, int version) {
        return loaded.containsKey(StepKeys.versionKey(name, version));
    }

    void add(LoadedVersion v) {
        loaded.put(StepKeys.versionKey(v.name(), v.version()), v);
    }

    /** Forgets {@code v} unless another load of the same version replaced it; true when it was forgotten. */
    boolean remove(LoadedVersion v) {
        return loaded.remove(StepKeys.versionKey(v.name(), v.version()), v);
    }

    List<LoadedVersion> all() {
        return List.copyOf(loaded.values());
    }

    /** The version unpinned calls of {@code name} go to, or null. */
    LoadedVersion active(String name) {
        Routing r = routing.get(name);
        return r == null ? null : r.stable();
    }

    boolean isActive(LoadedVersion v) {
        Routing r = routing.get(v.name());
        return r != null && r.serves(v);
    }

    /** Names of pipelines with an active version. */
    Set<String> activeNames() {
        return new TreeSet<>(routing.keySet());
    }

    /** Sends unpinned calls to {@code next}; the previously active version drains and is removed. */
    void activate(LoadedVersion next) {
        synchronized (next) {
            if (next.isClosed()) {
                throw notLoaded(next.name(), next.version());
            }
            next.retiring = false;
        }
        Routing previous = routing.put(next.name(), Routing.to(next));
        if (previous != null && previous.stable() != next) {
            retire(previous.stable());
        }
    }

    /**
     * Forgets a pipeline: it has no active version any more (a call by name is a 404 at once) and
     * every loaded version of it retires (drains, then unloads). Returns how many were loaded.
     */
    int forget(String name) {
        routing.remove(name);
        int count = 0;
        for (LoadedVersion v : all()) {
            if (v.name().equals(name) && !v.retiring && !v.isClosed()) {
                retire(v);
                count++;
            }
        }
        return count;
    }

    /** Acquires the version a call runs on (pinned, or the active one); release it when the call ends. */
    LoadedVersion acquire(String name, Integer pinned) {
        if (pinned != null) {
            LoadedVersion v = get(name, pinned);
            if (v == null || !v.tryAcquire()) {
                throw notLoaded(name, pinned);
            }
            v.touch();
            return v;
        }
        for (int attempt = 0; ; attempt++) {
            LoadedVersion v = active(name);
            if (v == null || attempt > 1000) {
                throw new InvocationException.PipelineNotFound("no pipeline named '" + name + "'", false);
            }
            if (v.tryAcquire()) {
                return v;
            }
            // closed between the read and the acquire: the routing has moved on; read it again
            Thread.onSpinWait();
        }
    }

    void release(LoadedVersion v) {
        // idle is counted from when the last call ended, not when it began: a pinned call slower than
        // the idle timeout must not leave its version eligible for unloading the moment it answers
        v.touch();
        if (v.inFlight.decrementAndGet() == 0) {
            boolean closed;
            synchronized (v) {
                closed = v.retiring && v.tryClose();
            }
            if (closed) {
                // never on this thread: it may still be inside the old version's route
                drainer.execute(() -> unloader.accept(v));
            }
        }
    }

    /** Closes a version for new calls; it is removed once drained, or forced out after the drain timeout. */
    void retire(LoadedVersion v) {
        boolean closed;
        synchronized (v) {
            v.retiring = true;
            closed = v.tryClose();
        }
        if (closed) {
            drainer.execute(() -> unloader.accept(v));
            return;
        }
        drainer.schedule(() -> {
            boolean forced;
            synchronized (v) {
                forced = v.retiring && v.forceClose();
            }
            if (forced) {
                unloader.accept(v);
            }
        }, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Retires every loaded version that is not active and has had no call for {@code idleFor}. */
    int retireIdle(Duration idleFor) {
        long now = System.nanoTime();
        int count = 0;
        for (LoadedVersion v : all()) {
            if (!isActive(v) && !v.retiring && !v.isClosed() && v.inFlight.get() == 0
                    && now - v.lastUsed > idleFor.toNanos()) {
                retire(v);
                count++;
            }
        }
        return count;
    }

    /** A loaded, open version. */
    Optional<LoadedVersion> open(String name, int version) {
        LoadedVersion v = get(name, version);
        return v == null || v.isClosed() ? Optional.empty() : Optional.of(v);
    }

    static InvocationException.PipelineNotFound notLoaded(String name, int version) {
        return new InvocationException.PipelineNotFound(
                "version " + version + " of pipeline '" + name + "' is not loaded", true);
    }

    @Override
    public void close() {
        drainer.shutdownNow();
        // an unload already running removes routes from the CamelContext: let it finish before the host
        // closes that context, or the close iterates routes being removed (ConcurrentModificationException)
        try {
            drainer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
