package dev.braid.engine.runtime;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.braid.engine.spec.PipelineSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3: a version compiles and loads outside the runtime's admin lock, into a context of
 * its own, so an unrelated activation or deploy never waits behind a big deploy, and two loads of
 * one version at once load it once.
 */
class ConcurrentLoadTest {

    final PipelineRuntime runtime = new PipelineRuntime(new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(1)));

    @AfterEach
    void stop() {
        runtime.close();
    }

    static String steps(String name, int count) {
        StringBuilder sb = new StringBuilder("apiVersion: braid/v1\nkind: Pipeline\nname: ").append(name)
                .append("\ninput:\n  type: object\nsteps:\n");
        for (int i = 0; i < count; i++) {
            sb.append("  - id: s").append(i).append("\n    transform: { jsonata: '{ \"n\": ").append(i).append(" }' }\n");
        }
        return sb.toString();
    }

    @Test
    void anActivationAndASmallDeployDoNotWaitForABigDeploy() throws Exception {
        runtime.deploy(pipeline("small", step("answer", transform("'v1'"))), 1);
        runtime.activate("small", 1);
        PipelineSpec big = runtime.read(steps("big", 1000));
        CompletableFuture<DeployedVersion> bigLoad = CompletableFuture.supplyAsync(() -> runtime.deploy(big, 1));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!runtime.loading("big", 1) && !bigLoad.isDone() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertTrue(runtime.loading("big", 1), "the big deploy is under way");
        // while it loads: another pipeline's version loads and is activated, and calls are served
        runtime.deploy(pipeline("small", step("answer", transform("'v2'"))), 2);
        runtime.activate("small", 2);
        assertEquals("v2", runtime.invoke("small", Map.of(), null).toCompletableFuture().get(5, TimeUnit.SECONDS).output());
        assertFalse(bigLoad.isDone(), "the small deploy and activation finished while the big deploy was still loading");
        assertEquals("big", bigLoad.get(60, TimeUnit.SECONDS).name());
        runtime.activate("big", 1);
        assertEquals(Map.of("n", 999), runtime.invoke("big", Map.of(), null).toCompletableFuture().get(10, TimeUnit.SECONDS).output());
    }

    @Test
    void twoLoadsOfOneVersionAtOnceLoadItOnce() throws Exception {
        String yaml = steps("twice", 300);
        CompletableFuture<DeployedVersion> a = CompletableFuture.supplyAsync(() -> runtime.deployIfAbsent(yaml, 1));
        CompletableFuture<DeployedVersion> b = CompletableFuture.supplyAsync(() -> runtime.deployIfAbsent(yaml, 1));
        assertSame(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
        assertEquals(301, runtime.routes().size());
        assertThrows(IllegalStateException.class, () -> runtime.deploy(yaml, 1), "deploy refuses a loaded version");
    }
}
