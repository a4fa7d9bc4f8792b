package dev.braid.server.access;

import dev.braid.server.cluster.InstanceNotifications;
import dev.braid.server.cluster.InstanceNotifications.Channel;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's keys (and whatever else registers a channel here, such as provider
 * credentials) in step with the database: bootstrap at start, a reload every
 * {@code braid.auth.reconcile-interval}, and on PostgreSQL each notified change applied at once
 * through {@link InstanceNotifications} (revocation reaches every instance within a second).
 */
@Singleton
public class KeySync {

    private static final Logger LOG = LoggerFactory.getLogger(KeySync.class);

    private final KeyStore keys;
    private final AuthConfiguration configuration;
    private final InstanceNotifications notifications;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService timer;

    public KeySync(KeyStore keys, AuthConfiguration configuration, InstanceNotifications notifications) {
        this.keys = keys;
        this.configuration = configuration;
        this.notifications = notifications;
        register(new Channel(KeyStore.CHANNEL, keys::reload, keys::reloadAll));
    }

    /** Adds a channel: notified changes applied at once, and a full reload on this sync's timer. */
    public void register(Channel channel) {
        channels.add(channel);
        notifications.register(channel);
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        start();
    }

    synchronized void start() {
        if (timer != null) {
            return;
        }
        if (!configuration.enabled()) {
            LOG.warn("!!! braid.auth.enabled=false: EVERY REQUEST IS TREATED AS ADMIN, WITHOUT A KEY."
                    + " For tests only; never in production. !!!");
        }
        keys.bootstrap();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "braid-keys-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(100, configuration.reconcileInterval().toMillis());
        timer.scheduleWithFixedDelay(this::reloadAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void reloadAll() {
        for (Channel channel : channels) {
            try {
                channel.reloadAll().run();
            } catch (RuntimeException e) {
                LOG.warn("Reloading {} failed (will retry): {}", channel.name(), e.toString());
            }
        }
    }

    @PreDestroy
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
