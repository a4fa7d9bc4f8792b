package dev.braid.engine.runtime;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import dev.braid.engine.run.EnrichTargetPolicy;
import dev.braid.engine.run.InvocationException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnrichTargetPolicyTest {

    @Test
    void aRefusedTargetIsNeverCalled() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        EnrichTargetPolicy noLoopback = (URI target) -> "127.0.0.1".equals(target.getHost())
                ? CompletableFuture.failedFuture(new InvocationException.StepFailed(
                        "lookup", 403, "enrich_refused", "target not allowed"))
                : CompletableFuture.completedFuture(null);
        try (PipelineRuntime runtime = new PipelineRuntime(
                new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(1)), noLoopback)) {
            runtime.deploy(pipeline("ssrf", step("lookup",
                    enrich("http://127.0.0.1:" + server.getAddress().getPort() + "/{{input.id}}", Duration.ofSeconds(1)))), 1);
            runtime.activate("ssrf", 1);
            ExecutionException e = assertThrows(ExecutionException.class, () -> runtime.invoke(
                    "ssrf", Map.of("id", "1"), null).toCompletableFuture().get(5, TimeUnit.SECONDS));
            InvocationException.StepFailed refused = assertInstanceOf(InvocationException.StepFailed.class, e.getCause());
            assertEquals("enrich_refused", refused.code());
            assertEquals(0, hits.get());
        } finally {
            server.stop(0);
        }
    }
}
