package dev.braid.server.pipelines;

import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.cluster.InstanceNotifications;
import dev.braid.server.cluster.InstanceNotifications.Channel;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance running what the database says when other instances change it.
 * On PostgreSQL each pipeline notified on {@link PipelineRegistry#CHANNEL} is applied at once (through
 * {@link InstanceNotifications}); on every database a periodic reconcile
 * compares all active pointers with the runtime (the safety net for a lost connection or a
 * missed notification, and the only mechanism on H2). A third task unloads idle pinned versions.
 */
@Singleton
public class RegistrySync {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySync.class);

    private final PipelineRegistry registry;
    private final PipelineRuntime runtime;
    private final RegistryConfiguration configuration;
    private final InstanceNotifications notifications;
    private ScheduledExecutorService timers;
    private volatile boolean reconcileFailing;

    public RegistrySync(PipelineRegistry registry, PipelineRuntime runtime, RegistryConfiguration configuration,
            InstanceNotifications notifications) {
        this.registry = registry;
        this.notifications = notifications;
        this.runtime = runtime;
        this.configuration = configuration;
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (timers != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "braid-registry-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long reconcileMs = Math.max(100, configuration.reconcileInterval().toMillis());
        timers.scheduleWithFixedDelay(this::reconcileAll, reconcileMs, reconcileMs, TimeUnit.MILLISECONDS);
        Duration idle = configuration.pinnedIdleTimeout();
        long sweepMs = Math.max(100, Math.min(60_000, idle.toMillis() / 4));
        timers.scheduleWithFixedDelay(() -> {
            try {
                runtime.unloadIdle(idle);
            } catch (RuntimeException e) {
                LOG.warn("Unloading idle versions failed: {}", e.toString());
            }
        }, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        if (configuration.notifications()) {
            notifications.register(new Channel(PipelineRegistry.CHANNEL, this::reconcile, this::reconcileAll));
        }
    }

    private void reconcile(String pipeline) {
        registry.reconcile(pipeline);
    }

    private void reconcileAll() {
        try {
            registry.reconcileAll();
            if (reconcileFailing) {
                LOG.info("Registry reconcile works again");
                reconcileFailing = false;
            }
        } catch (RuntimeException e) {
            if (!reconcileFailing) {
                LOG.warn("Registry reconcile failed (will retry): {}", e.toString());
                reconcileFailing = true;
            }
        }
    }

    @PreDestroy
    public synchronized void stop() {
        if (timers != null) {
            timers.shutdownNow();
        }
    }
}
