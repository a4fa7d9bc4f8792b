package dev.braid.engine.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.braid.engine.run.InvocationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pinned versions loaded on demand from a {@link VersionSource}, reloading drained versions, idle unloading. */
class OnDemandVersionsTest {

    PipelineRuntime runtime;
    ExecutorService blocking;
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Thread> readOn = new AtomicReference<>();

    static String yaml(int v) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: od
                steps:
                  - id: out
                    transform: { jsonata: "'v%d'" }
                """.formatted(v);
    }

    @BeforeEach
    void start() {
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(5)));
        blocking = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-blocking"));
        runtime.versionSource((name, version) -> {
            reads.incrementAndGet();
            readOn.set(Thread.currentThread());
            return name.equals("od") && version <= 3 ? Optional.of(yaml(version)) : Optional.empty();
        }, blocking);
    }

    @AfterEach
    void stop() {
        runtime.close();
        blocking.shutdownNow();
    }

    Object call(Integer version) throws Exception {
        return runtime.invoke("od", Map.of(), new InvokeOptions(version, null))
                .toCompletableFuture().get(5, TimeUnit.SECONDS).output();
    }

    List<String> routes(int version) {
        return runtime.routes().stream()
                .filter(r -> ("braid.od.v" + version).equals(r.getGroup()))
                .map(Route::getRouteId)
                .toList();
    }

    @Test
    void aPinnedVersionThatIsNotLoadedIsReadFromTheSourceOffTheCallersThread() throws Exception {
        runtime.deploy(yaml(1), 1);
        runtime.activate("od", 1);
        assertEquals("v2", call(2));
        assertEquals("test-blocking", readOn.get().getName());
        assertEquals(1, reads.get());
        assertEquals("v2", call(2));
        assertEquals(1, reads.get(), "loaded once, then served from memory");
        assertEquals("v1", call(null), "the active version is untouched");

        ExecutionException missing = assertThrows(ExecutionException.class, () -> call(9));
        InvocationException.PipelineNotFound e =
                assertInstanceOf(InvocationException.PipelineNotFound.class, missing.getCause());
        assertEquals("version_not_found", e.code());
    }

    @Test
    void aDrainedVersionLoadsAgainAndIdleVersionsAreUnloadedButNeverTheActiveOne() throws Exception {
        runtime.deploy(yaml(1), 1);
        runtime.activate("od", 1);
        runtime.deploy(yaml(2), 2);
        runtime.activate("od", 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((runtime.loadedVersion("od", 1).isPresent() || !routes(1).isEmpty()) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(runtime.loadedVersion("od", 1).isEmpty(), "v1 drained and removed");
        assertEquals(List.of(), routes(1));

        assertEquals("v1", call(1));
        assertEquals(2, routes(1).size(), "v1's routes are back: step and finish");
        // deployIfAbsent on a loaded version returns it and loads nothing
        assertSame(runtime.loadedVersion("od", 1).orElseThrow(), runtime.deployIfAbsent(yaml(1), 1));

        assertEquals(0, runtime.unloadIdle(Duration.ofMinutes(1)), "used a moment ago");
        assertEquals(1, runtime.unloadIdle(Duration.ZERO), "v1 only: v2 is active");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((runtime.loadedVersion("od", 1).isPresent() || !routes(1).isEmpty()) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(runtime.loadedVersion("od", 1).isEmpty());
        assertEquals(List.of(), routes(1));
        assertEquals("v2", call(null));
        assertTrue(runtime.loadedVersion("od", 2).isPresent());

        // drained, then deployed again under the same route group: the late unload must not remove it
        runtime.deployIfAbsent(yaml(1), 1);
        runtime.activate("od", 1);
        assertEquals("v1", call(null));
        assertEquals(2, routes(1).size());
    }
}
