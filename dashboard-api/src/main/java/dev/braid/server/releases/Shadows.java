package dev.braid.server.releases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.run.StepDelta;
import dev.braid.server.calls.CallStream;
import dev.braid.server.calls.Caller;
import dev.braid.server.calls.MeteredCalls;
import dev.braid.server.calls.Source;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow traffic: while a shadow release runs, {@code shadow} % of the calls its stable arm answered
 * also run on the candidate, after the answer, on threads of their own (the caller's answer never
 * waits for, nor changes with, the shadow), through {@link MeteredCalls#shadow} (billed to the
 * pipeline's budget, recorded with {@code shadow: true} and whether the output matched). Best effort:
 * when shadows pile up (a slow candidate), new ones are dropped and counted, never queued for ever.
 */
@Singleton
public class Shadows {

    private static final Logger LOG = LoggerFactory.getLogger(Shadows.class);

    private final LiveReleases live;
    private final MeteredCalls calls;
    private final ObjectMapper json;
    private final ThreadPoolExecutor starter;
    private final AtomicLong dropped = new AtomicLong();

    public Shadows(LiveReleases live, MeteredCalls calls, ObjectMapper json) {
        this.live = live;
        this.calls = calls;
        this.json = json;
        AtomicInteger n = new AtomicInteger();
        // only starts runs (the runtime is asynchronous): one thread and a bounded queue are enough
        this.starter = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1000), r -> {
            Thread t = new Thread(r, "braid-shadow-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A pipeline call as a running release routed it: on {@code route}'s version (null: the active
     * one), with a shadow run after the answer when one is due. Every door's pipeline call goes here.
     */
    public CompletionStage<InvocationResult> invoke(Route route, Caller caller, Source source, String pipeline,
            Object input, long requestBytes) {
        return calls.invoke(caller, source, pipeline, route.version(), input, requestBytes)
                .thenApply(result -> {
                    after(route, caller, source, pipeline, input, requestBytes, result);
                    return result;
                });
    }

    /** {@link #invoke} streamed: {@code stream} gets the deltas, then the shadow run is decided. */
    public void invokeStreaming(Route route, Caller caller, Source source, String pipeline, Object input,
            long requestBytes, CallStream<StepDelta, InvocationResult> stream) {
        calls.invokeStreaming(caller, source, pipeline, route.version(), input, requestBytes,
                after(route, caller, source, pipeline, input, requestBytes, stream));
    }

    /** After {@code answer} was produced for a call {@code route} sent: maybe a shadow run of it. */
    public void after(Route route, Caller caller, Source source, String pipeline, Object input, long requestBytes,
            InvocationResult answer) {
        if (!route.released()) {
            return; // the common case: no release, nothing to decide
        }
        int candidate = live.shadowOf(pipeline, route);
        if (candidate <= 0 || answer == null) {
            return;
        }
        try {
            starter.execute(() -> {
                JsonNode expected = json.valueToTree(answer.output());
                calls.shadow(caller, source, pipeline, candidate, input, requestBytes,
                        output -> Objects.equals(expected, json.valueToTree(output)));
            });
        } catch (RejectedExecutionException e) {
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warn("Shadow runs are piling up; dropped {} so far", dropped.get());
            }
        }
    }

    /** {@code stream} with a shadow run after it completes. */
    public <D> CallStream<D, InvocationResult> after(Route route, Caller caller, Source source, String pipeline,
            Object input, long requestBytes, CallStream<D, InvocationResult> stream) {
        if (!route.released()) {
            return stream;
        }
        return new CallStream<>() {
            @Override
            public void delta(D delta) {
                stream.delta(delta);
            }

            @Override
            public void complete(InvocationResult result) {
                stream.complete(result);
                Shadows.this.after(route, caller, source, pipeline, input, requestBytes, result);
            }

            @Override
            public void fail(Throwable error) {
                stream.fail(error);
            }

            @Override
            public boolean isOpen() {
                return stream.isOpen();
            }

            @Override
            public boolean isCancelled() {
                return stream.isCancelled();
            }
        };
    }

    @PreDestroy
    void stop() {
        starter.shutdownNow();
    }
}
