package dev.braid.engine.runtime;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuntimeSmokeTest {

    @Test
    void transformRuns() throws Exception {
        try (PipelineRuntime rt = new PipelineRuntime(new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(5)))) {
            rt.deploy(pipeline("t", step("a", transform("{ 'x': input.text & '!' }")), step("b", transform("steps.a.x"))), 1);
            rt.activate("t", 1);
            InvocationResult r = rt.invoke("t", Map.of("text", "hi"), null).toCompletableFuture().get();
            System.out.println(r);
            assertEquals("hi!", r.output());
        }
    }
}
