package dev.braid.server.providers;

import dev.braid.components.model.local.LocalProvider;
import dev.braid.components.model.mock.MockProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The built-in providers, which need no key: {@code mock} (deterministic answers, for trying
 * pipelines offline) and {@code local} (lexicon sentiment, keyword moderation).
 */
@Factory
public class ProvidersFactory {

    /** Serves the mock's {@code delay} option without a sleeping thread. */
    @Singleton
    @Named("braid-mock-scheduler")
    @Bean(preDestroy = "shutdownNow")
    public ScheduledExecutorService mockScheduler() {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "braid-mock-scheduler");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Singleton
    public MockProvider mockProvider(@Named("braid-mock-scheduler") ScheduledExecutorService scheduler) {
        return new MockProvider(scheduler);
    }

    @Singleton
    public LocalProvider localProvider() {
        return new LocalProvider();
    }
}
