package dev.braid.engine.runtime;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.braid.components.model.api.Target;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Route;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deploy, activate, drain and remove: versions load beside each other and no request fails on a swap. */
class VersionLifecycleTest {

    PipelineRuntime runtime;

    @BeforeEach
    void start() {
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    static PipelineSpec constant(String name, int version) {
        return pipeline(name, step("answer", transform("'v" + version + "'")));
    }

    List<String> routeIds(String group) {
        return runtime.routes().stream()
                .filter(r -> group.equals(r.getGroup()))
                .map(Route::getRouteId)
                .toList();
    }

    String yamlOf(String name, int version) {
        return runtime.loadedVersion(name, version).orElseThrow().camelYaml();
    }

    @Test
    void failedCamelLoadLeavesNothingBehindAndTheActiveVersionServes() throws Exception {
        runtime.deploy(constant("svc", 1), 1);
        runtime.activate("svc", 1);
        // the log endpoint rejects an unknown option when the route is created
        PipelineSpec broken = pipeline("svc",
                step("first", transform("'v2'")),
                step("raw", camel(Map.of("to", "log:x?noSuchOption=1"))));
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> runtime.deploy(broken, 2));
        assertTrue(e.errors().get(0).message().contains("Camel routes did not load"), e.getMessage());
        assertEquals(List.of(), routeIds("braid.svc.v2"));
        assertTrue(runtime.loadedVersion("svc", 2).isEmpty());
        StepBindingRegistry registry = runtime.camelContext().getRegistry()
                .lookupByNameAndType("braidStepBindings", StepBindingRegistry.class);
        assertFalse(registry.contains("svc/2/first"));
        assertFalse(registry.contains("svc/2"));
        assertEquals("v1", runtime.invoke("svc", Map.of(), null).toCompletableFuture().get(5, TimeUnit.SECONDS).output());

        // an unknown processor fails while parsing; same outcome
        PipelineSpec unknown = pipeline("svc", step("raw", camel(Map.of("setBodyy", Map.of("constant", "x")))));
        assertThrows(InvalidPipelineException.class, () -> runtime.deploy(unknown, 2));
        assertEquals(List.of(), routeIds("braid.svc.v2"));

        // and the version number is free again
        runtime.deploy(constant("svc", 2), 2);
        assertEquals(4, routeIds("braid.svc.v1").size() + routeIds("braid.svc.v2").size());
    }

    @Test
    void eachVersionRunsInAContextOfItsOwnSoARouteElsewhereCannotClashWithIt() throws Exception {
        runtime.deploy(constant("clash", 1), 1);
        runtime.activate("clash", 1);
        // a route in the base context on one of v2's endpoint names: in one shared context v2's step
        // route could not start; a version's routes and endpoints are its own context's
        PluginHelper.getRoutesLoader(runtime.camelContext()).loadRoutes(ResourceHelper.fromString("squatter.yaml", """
                - route:
                    id: squatter
                    group: squatters
                    from:
                      uri: direct:braid.clash.v2.answer
                      steps:
                        - setBody:
                            constant: squatter
                """));
        runtime.deploy(constant("clash", 2), 2);
        runtime.activate("clash", 2);
        assertEquals(List.of("braid.clash.v2", "braid.clash.v2.answer"), routeIds("braid.clash.v2"));
        assertEquals("v2", runtime.invoke("clash", Map.of(), null).toCompletableFuture().get(5, TimeUnit.SECONDS).output());
        awaitRemoved("braid.clash.v1");
        assertTrue(runtime.routes().stream().noneMatch(r -> r.getRouteId().startsWith("braid.clash.v1")));
    }

    @Test
    void deployingALoadedVersionAgainIsRefusedAndChangesNothing() throws Exception {
        runtime.deploy(constant("dup", 1), 1);
        runtime.activate("dup", 1);
        String before = yamlOf("dup", 1);
        assertThrows(IllegalStateException.class, () -> runtime.deploy(
                pipeline("dup", step("other", transform("'x'"))), 1));
        assertEquals(before, yamlOf("dup", 1));
        assertEquals(List.of("braid.dup.v1", "braid.dup.v1.answer"), routeIds("braid.dup.v1"));
        assertEquals("v1", runtime.invoke("dup", Map.of(), null).toCompletableFuture().get(5, TimeUnit.SECONDS).output());
    }

    @Test
    void drainedVersionIsRemovedAfterActivation() throws Exception {
        runtime.deploy(constant("drain", 1), 1);
        runtime.activate("drain", 1);
        runtime.invoke("drain", Map.of(), null).toCompletableFuture().get(5, TimeUnit.SECONDS);
        runtime.deploy(constant("drain", 2), 2);
        assertEquals(2, routeIds("braid.drain.v1").size());
        runtime.activate("drain", 2);
        awaitRemoved("braid.drain.v1");
        assertTrue(runtime.loadedVersion("drain", 1).isEmpty());
        assertTrue(runtime.endpoints().stream()
                .noneMatch(ep -> ep.getEndpointUri().startsWith("direct://braid.drain.v1")
                        || ep.getEndpointUri().contains("step=drain/1")));
        assertTrue(runtime.endpoints().stream()
                .anyMatch(ep -> ep.getEndpointUri().contains("step=drain/2")));
        assertEquals(2, routeIds("braid.drain.v2").size());
        assertEquals("v2", runtime.invoke("drain", Map.of(), null).toCompletableFuture().get(5, TimeUnit.SECONDS).output());
        Throwable pinnedOld = runtime.invoke("drain", Map.of(), new InvokeOptions(1, null))
                .toCompletableFuture().handle((r, t) -> t).get(5, TimeUnit.SECONDS);
        assertInstanceOf(InvocationException.PipelineNotFound.class, pinnedOld);
    }

    @Test
    void anInactiveVersionCanBeUnloadedButTheActiveOneCannot() throws Exception {
        runtime.deploy(constant("unl", 1), 1);
        runtime.activate("unl", 1);
        runtime.deploy(constant("unl", 2), 2);
        assertThrows(IllegalStateException.class, () -> runtime.unload("unl", 1));
        assertTrue(runtime.unload("unl", 2));
        awaitRemoved("braid.unl.v2");
        assertFalse(runtime.unload("unl", 2));
        assertEquals("v1", runtime.invoke("unl", Map.of(), null).toCompletableFuture().get(5, TimeUnit.SECONDS).output());
        runtime.deploy(constant("unl", 2), 2);
    }

    @Test
    void inFlightInvocationFinishesOnItsVersionBeforeTheOldRoutesGo() throws Exception {
        runtime.deploy(pipeline("slow", step("reply",
                chat(new Target("mock", "m", Map.of("delay", "400ms")), null, "v1 {{input.text}}"))), 1);
        runtime.activate("slow", 1);
        CompletableFuture<InvocationResult> inFlight =
                runtime.invoke("slow", Map.of("text", "hi"), null).toCompletableFuture();
        runtime.deploy(constant("slow", 2), 2);
        runtime.activate("slow", 2);
        // the old routes stay while the call is running
        assertEquals(2, routeIds("braid.slow.v1").size());
        InvocationResult r = inFlight.get(5, TimeUnit.SECONDS);
        assertEquals(1, r.version());
        assertEquals("v1 hi", ((Map<?, ?>) r.output()).get("text"));
        awaitRemoved("braid.slow.v1");
    }

    @Test
    void afterTheDrainTimeoutTheOldVersionTakesNoNewWorkAndGoes() throws Exception {
        try (PipelineRuntime quick = new PipelineRuntime(
                new RuntimeSettings(List.of(), Set.of("log"), Duration.ofMillis(200)))) {
            quick.deploy(pipeline("dt", step("reply",
                    chat(new Target("mock", "m", Map.of("delay", "1500ms")), null, "{{input.text}}"))), 1);
            quick.activate("dt", 1);
            CompletableFuture<InvocationResult> inFlight =
                    quick.invoke("dt", Map.of("text", "hi"), null).toCompletableFuture();
            quick.deploy(constant("dt", 2), 2);
            quick.activate("dt", 2);
            // the 200 ms drain timeout closes v1 for new work (watched, not slept: a loaded machine is late)
            long closing = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (quick.loadedVersion("dt", 1).isPresent() && System.nanoTime() < closing) {
                Thread.sleep(10);
            }
            // still running, but past the drain timeout: closed for pinned calls
            assertFalse(inFlight.isDone(), "closed while its 1.5 s answer was still on the way");
            Throwable pinned = quick.invoke("dt", Map.of(), new InvokeOptions(1, null))
                    .toCompletableFuture().handle((r, t) -> t).get(5, TimeUnit.SECONDS);
            assertInstanceOf(InvocationException.PipelineNotFound.class, pinned);
            assertEquals("hi", ((Map<?, ?>) inFlight.get(10, TimeUnit.SECONDS).output()).get("text"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!quick.routes().stream().filter(r -> "braid.dt.v1".equals(r.getGroup())).toList().isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(quick.routes().stream().filter(r -> "braid.dt.v1".equals(r.getGroup())).toList().isEmpty());
        }
    }

    @Test
    void aRequestThatOutlivesTheDrainAndItsGraceIsToldItsVersionRetiredNotAnInternalError() throws Exception {
        try (PipelineRuntime quick = new PipelineRuntime(
                new RuntimeSettings(List.of(), Set.of("log"), Duration.ofMillis(200)))) {
            quick.deploy(pipeline("gone", step("reply",
                    chat(new Target("mock", "m", Map.of("delay", "5s")), null, "{{input.text}}"))), 1);
            quick.activate("gone", 1);
            CompletableFuture<InvocationResult> inFlight =
                    quick.invoke("gone", Map.of("text", "hi"), null).toCompletableFuture();
            quick.deploy(constant("gone", 2), 2);
            quick.activate("gone", 2);
            // 200 ms drain, then about 2 s for Camel to stop each route: the 5 s answer comes too late
            Throwable failure = inFlight.handle((r, t) -> t).get(20, TimeUnit.SECONDS);
            InvocationException.VersionRetired retired = assertInstanceOf(InvocationException.VersionRetired.class,
                    PipelineRuntime.unwrap(failure));
            assertEquals(503, retired.status());
            assertEquals("version_retired", retired.code());
            assertEquals("v2", quick.invoke("gone", Map.of("text", "again"), null)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS).output(), "the active version answers");
        }
    }

    @Test
    void activationUnderLoadFailsNoRequestAndEachAnswerComesFromOneVersion() throws Exception {
        runtime.deploy(constant("load", 1), 1);
        runtime.activate("load", 1);
        int threads = 32;
        int calls = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch started = new CountDownLatch(threads);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        CountDownLatch activated = new CountDownLatch(1);
        Map<Integer, AtomicInteger> byVersion = new ConcurrentHashMap<>();
        List<Future<?>> futures = new ArrayList<>();
        // loaded (not active) before the load starts: deploying is not what this test measures, and on
        // a loaded machine the 3200 calls could all finish while Camel was still loading v2's routes
        runtime.deploy(constant("load", 2), 2);
        try {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    started.countDown();
                    for (int i = 0; i < calls; i++) {
                        if (i == calls / 2) {
                            // the second half of every worker's calls starts after the swap, so v2 is
                            // certain to answer some; the other workers' calls overlap the swap itself
                            try {
                                if (!activated.await(30, TimeUnit.SECONDS)) {
                                    failures.incrementAndGet();
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        try {
                            InvocationResult r = runtime.invoke("load", Map.of(), null)
                                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
                            if (!("v" + r.version()).equals(r.output())) {
                                mismatches.incrementAndGet();
                            }
                            byVersion.computeIfAbsent(r.version(), v -> new AtomicInteger()).incrementAndGet();
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                        completed.incrementAndGet();
                    }
                }));
            }
            started.await();
            // swap while calls are running: a quarter of them done (watched, not slept)
            long swapAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (completed.get() < threads * calls / 4 && System.nanoTime() < swapAt) {
                Thread.sleep(1);
            }
            runtime.activate("load", 2);
            activated.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, failures.get());
        assertEquals(0, mismatches.get());
        assertEquals(threads * calls, byVersion.values().stream().mapToInt(AtomicInteger::get).sum());
        assertTrue(byVersion.containsKey(2), byVersion.toString());
        awaitRemoved("braid.load.v1");
    }

    @Test
    void invocationsNeverBlockOnTheModel() throws Exception {
        runtime.deploy(pipeline("nb", step("reply",
                chat(new Target("mock", "m", Map.of("delay", "100ms")), null, "{{input.text}}"))), 1);
        runtime.activate("nb", 1);
        runtime.invoke("nb", Map.of("text", "warm"), null).toCompletableFuture().get(5, TimeUnit.SECONDS);
        int n = 200;
        long t0 = System.nanoTime();
        List<CompletableFuture<InvocationResult>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(runtime.invoke("nb", Map.of("text", "m" + i), null).toCompletableFuture());
        }
        long submittedMs = (System.nanoTime() - t0) / 1_000_000;
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        long totalMs = (System.nanoTime() - t0) / 1_000_000;
        // 200 sequential calls would take 20 s; a blocking invoke would have taken >= 100 ms each to return
        assertTrue(submittedMs < 2000, "submitting took " + submittedMs + " ms");
        assertTrue(totalMs < 5000, "took " + totalMs + " ms");
        for (int i = 0; i < n; i++) {
            assertEquals("m" + i, ((Map<?, ?>) all.get(i).get().output()).get("text"));
        }
    }

    void awaitRemoved(String group) throws InterruptedException {
        // removal is asynchronous (drain thread, then Camel stops each route with a 2 s timeout) and the
        // forced path only starts after the 5 s drain timeout: on a loaded CI machine 5 s was not enough
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!routeIds(group).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), routeIds(group), "routes of " + group + " still loaded");
    }
}
