package dev.braid.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.engine.run.InvocationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A step's {@code on:} reaches the router through the compiler. */
class FallbackTriggersRuntimeTest {

    static ScheduledExecutorService scheduler;
    static MockProvider mock;
    static PipelineRuntime runtime;

    static String pipeline(String name, String first, String on) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: reply
                    model:
                      strategy: fallback
                      %s
                      targets:
                        - { provider: mock, model: %s, failWith: 429, retryAfter: 10ms }
                        - { provider: mock, model: %s-backup }
                      prompt: { user: "{{input.text}}" }
                """.formatted(name, on, first, first);
    }

    @BeforeAll
    static void start() {
        scheduler = ModelComponent.newScheduler(1);
        mock = new MockProvider(scheduler);
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(mock), Set.of("log"), Duration.ofSeconds(5)));
        for (String[] p : List.of(new String[] {"narrow", "n", "on: [5xx]"}, new String[] {"default", "d", ""})) {
            runtime.deploy(pipeline(p[0], p[1], p[2]), 1);
            runtime.activate(p[0], 1);
        }
    }

    @AfterAll
    static void stop() {
        runtime.close();
        scheduler.shutdownNow();
    }

    @Test
    void a429IsTheAnswerWhenOnlyServerErrorsFallBack() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> runtime.invoke("narrow", Map.of("text", "hi"), null)
                .toCompletableFuture().get(10, TimeUnit.SECONDS));
        Throwable cause = e.getCause();
        int status = cause instanceof InvocationException ie ? ie.status() : assertInstanceOf(ModelException.class, cause).status();
        assertEquals(429, status, cause.toString());
        assertEquals(0, mock.calls(Target.of("mock", "n-backup")));
    }

    @Test
    void byDefaultA429FallsBack() throws Exception {
        InvocationResult r = runtime.invoke("default", Map.of("text", "hi"), null).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("hi", ((Map<?, ?>) r.output()).get("text"));
        assertEquals(1, mock.calls(Target.of("mock", "d-backup")));
    }
}
