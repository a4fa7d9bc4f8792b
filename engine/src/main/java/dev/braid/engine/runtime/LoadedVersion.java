package dev.braid.engine.runtime;

import dev.braid.components.mask.Masker;
import dev.braid.engine.compile.CompiledPipeline;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;

/** A version in the CamelContext, with its in-flight count: negative once closed for new work. */
final class LoadedVersion {
    final DeployedVersion deployed;
    final CompiledPipeline compiled;
    final Endpoint entry;
    final AsyncProducer producer;
    final CamelHost.LoadedRoutes routes;
    final Function<Object, List<String>> inputCheck;
    final boolean masks;
    final boolean restores;
    /** The output maskers {@code braid:finish} applies; the stream applies them too. */
    final List<Masker> outputMaskers;
    final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean retiring;
    volatile long lastUsed = System.nanoTime();

    LoadedVersion(DeployedVersion deployed, CompiledPipeline compiled, CamelHost.LoadedRoutes routes,
            Function<Object, List<String>> inputCheck) {
        this.deployed = deployed;
        this.compiled = compiled;
        this.entry = routes.entry();
        this.producer = routes.producer();
        this.routes = routes;
        this.inputCheck = inputCheck;
        this.masks = compiled.sharesMaskVault();
        this.restores = compiled.finish().restore();
        this.outputMaskers = compiled.finish().outputMaskers();
    }

    String name() {
        return deployed.name();
    }

    int version() {
        return deployed.version();
    }

    void touch() {
        lastUsed = System.nanoTime();
    }

    boolean tryAcquire() {
        while (true) {
            int c = inFlight.get();
            if (c < 0) {
                return false;
            }
            if (inFlight.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    boolean tryClose() {
        return inFlight.compareAndSet(0, Integer.MIN_VALUE / 2);
    }

    boolean forceClose() {
        return inFlight.getAndSet(Integer.MIN_VALUE / 2) >= 0;
    }

    boolean isClosed() {
        return inFlight.get() < 0;
    }
}
