package dev.braid.components.model.routing;

import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.Target;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Resilience4j circuit breaker per {@code provider/model}, shared by every route and step of a
 * router: it is the target's health that is measured, whoever calls it. Only the non-blocking API is
 * used ({@code tryAcquirePermission}, {@code onSuccess}, {@code onError}, {@code releasePermission});
 * the open-to-half-open transition happens on the next permission request, so no timer thread exists.
 *
 * <p>Bounded: model names on the chat API are the caller's, so one breaker per name seen would grow
 * without end (and with it the circuit gauges). Past {@link #MAX_CIRCUITS}, a new target first pushes
 * out the least recently used closed circuits (a closed circuit forgotten loses only its recent call
 * window), and only when every circuit is open or half-open the least recently used of those.
 */
final class TargetCircuits {

    /** A target's breaker and when it last opened (for the remaining cool-down). */
    static final class Circuit {
        private final CircuitBreaker breaker;
        private final CircuitBreakerSettings settings;
        private final Clock clock;
        private final AtomicLong openedAtMillis = new AtomicLong();
        private volatile long usedAtNanos = System.nanoTime();

        private Circuit(CircuitBreaker breaker, CircuitBreakerSettings settings, Clock clock) {
            this.breaker = breaker;
            this.settings = settings;
            this.clock = clock;
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    openedAtMillis.set(clock.millis());
                }
            });
        }

        boolean tryAcquirePermission() {
            return !settings.enabled() || breaker.tryAcquirePermission();
        }

        /** Records the outcome of a permitted call; errors that say nothing about health give the permit back. */
        void onError(long elapsedNanos, ModelException error) {
            if (!settings.enabled()) {
                return;
            }
            if (settings.countsAsFailure(error)) {
                breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, error);
            } else {
                breaker.releasePermission();
            }
        }

        void onSuccess(long elapsedNanos) {
            if (settings.enabled()) {
                breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** A permitted call that ended for a reason that is not the target's (the caller's sink failed). */
        void release() {
            if (settings.enabled()) {
                breaker.releasePermission();
            }
        }

        /**
         * When the target may be tried again: the rest of the cool-down while open; while half-open with
         * every trial permit taken, one second (the trials will have decided by then, most likely).
         */
        Duration retryAfter() {
            if (breaker.getState() == CircuitBreaker.State.OPEN) {
                long left = settings.waitInOpenState().toMillis() - (clock.millis() - openedAtMillis.get());
                return Duration.ofMillis(Math.max(1, left));
            }
            return Duration.ofSeconds(1);
        }

        String state() {
            return settings.enabled() ? breaker.getState().name() : "DISABLED";
        }
    }

    /** Breakers kept at most. */
    static final int MAX_CIRCUITS = 1024;

    private final CircuitBreakerSettings settings;
    private final CircuitBreakerConfig config;
    private final Clock clock;
    private final int max;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

    TargetCircuits(CircuitBreakerSettings settings, Clock clock) {
        this(settings, clock, MAX_CIRCUITS);
    }

    TargetCircuits(CircuitBreakerSettings settings, Clock clock, int max) {
        this.max = max;
        this.settings = settings;
        this.clock = clock;
        this.config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .minimumNumberOfCalls(settings.minimumCalls())
                .slidingWindow(settings.slidingWindowSize(), settings.minimumCalls(),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(settings.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpen())
                .automaticTransitionFromOpenToHalfOpenEnabled(false) // no timer thread per breaker
                .clock(clock)
                .build();
    }

    CircuitBreakerSettings settings() {
        return settings;
    }

    Circuit of(Target target) {
        String name = target.qualifiedName();
        Circuit c = circuits.get(name);
        if (c == null) {
            if (circuits.size() >= max) {
                evict();
            }
            c = circuits.computeIfAbsent(name, n -> new Circuit(CircuitBreaker.of(n, config), settings, clock));
        }
        c.usedAtNanos = System.nanoTime();
        return c;
    }

    /** Makes room for about a tenth of the bound: least recently used closed circuits first. */
    private synchronized void evict() {
        if (circuits.size() < max) {
            return;
        }
        int drop = circuits.size() - max + Math.max(1, max / 10);
        // a snapshot: the times move while calls go on, and a sort needs values that hold still
        record Use(String name, Circuit circuit, boolean open, long usedAt) {}
        List<Use> byUse = new ArrayList<>();
        circuits.forEach((name, c) -> byUse.add(new Use(name, c, !isClosed(c), c.usedAtNanos)));
        byUse.sort(Comparator.comparing(Use::open).thenComparingLong(Use::usedAt));
        for (int i = 0; i < drop && i < byUse.size(); i++) {
            circuits.remove(byUse.get(i).name(), byUse.get(i).circuit());
        }
    }

    private static boolean isClosed(Circuit c) {
        String state = c.state();
        return "CLOSED".equals(state) || "DISABLED".equals(state);
    }

    int size() {
        return circuits.size();
    }

    /** {@code provider/model} → CLOSED, OPEN, HALF_OPEN … for every target called so far, sorted. */
    Map<String, String> states() {
        Map<String, String> out = new TreeMap<>();
        circuits.forEach((name, c) -> out.put(name, c.state()));
        return out;
    }
}
