package dev.braid.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.braid.components.model.api.Target;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.model.mock.MockProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A step's {@code cache:} reaches the router: a repeated identical call never reaches the provider. */
class ModelCacheRuntimeTest {

    static ScheduledExecutorService scheduler;
    static MockProvider mock;
    static PipelineRuntime runtime;

    static String pipeline(String name, String model, String extra) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: %s }]
                      prompt: { user: "{{input.text}}" }
                %s""".formatted(name, model, extra);
    }

    @BeforeAll
    static void start() {
        scheduler = ModelComponent.newScheduler(1);
        mock = new MockProvider(scheduler);
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(mock), Set.of("log"), Duration.ofSeconds(5)));
        deploy(pipeline("cached", "m-cached", "      cache: { ttl: 10m }\n"));
        deploy(pipeline("uncached", "m-uncached", ""));
        deploy(pipeline("sampled", "m-sampled", "      temperature: 0.7\n      cache: { ttl: 10m }\n"));
        deploy(pipeline("sampled-allowed", "m-allowed",
                "      temperature: 0.7\n      cache: { ttl: 10m, allowNonZeroTemperature: true }\n"));
    }

    static void deploy(String yaml) {
        String name = yaml.lines().filter(l -> l.startsWith("name: ")).findFirst().orElseThrow().substring(6);
        runtime.deploy(yaml, 1);
        runtime.activate(name, 1);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        scheduler.shutdownNow();
    }

    static Map<?, ?> invoke(String pipeline, String text) throws Exception {
        InvocationResult r = runtime.invoke(pipeline, Map.of("text", text), null)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        return (Map<?, ?>) r.output();
    }

    @Test
    void secondIdenticalInvocationIsServedFromTheCache() throws Exception {
        Target target = Target.of("mock", "m-cached");
        Map<?, ?> first = invoke("cached", "where is my parcel?");
        assertEquals(1, mock.calls(target));
        assertNotEquals(Boolean.TRUE, first.get("cached"));
        Map<?, ?> second = invoke("cached", "where is my parcel?");
        assertEquals(1, mock.calls(target), "the second call must not reach the provider");
        assertEquals(Boolean.TRUE, second.get("cached"), second.toString());
        assertEquals(first.get("text"), second.get("text"));
        invoke("cached", "a different question");
        assertEquals(2, mock.calls(target), "only an identical request hits");
    }

    @Test
    void withoutCacheEveryInvocationReachesTheProvider() throws Exception {
        invoke("uncached", "hello");
        invoke("uncached", "hello");
        assertEquals(2, mock.calls(Target.of("mock", "m-uncached")));
    }

    @Test
    void positiveTemperatureIsCachedOnlyWhenAllowed() throws Exception {
        invoke("sampled", "tell me a joke");
        Map<?, ?> again = invoke("sampled", "tell me a joke");
        assertEquals(2, mock.calls(Target.of("mock", "m-sampled")));
        assertNotEquals(Boolean.TRUE, again.get("cached"));

        invoke("sampled-allowed", "tell me a joke");
        Map<?, ?> hit = invoke("sampled-allowed", "tell me a joke");
        assertEquals(1, mock.calls(Target.of("mock", "m-allowed")));
        assertEquals(Boolean.TRUE, hit.get("cached"), hit.toString());
    }
}
