package dev.braid.engine.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.braid.engine.spec.InvalidPipelineException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pipelines as integrators write them: YAML through the reader, the compiler and the runtime. */
class YamlPipelineTest {

    static final String FEEDBACK = """
            apiVersion: braid/v1
            kind: Pipeline
            name: customer-feedback
            input:
              required: [text]
              properties:
                text:  { type: string, maxLength: 20000 }
                image: { type: string }
            steps:
              - id: analyze
                parallel:
                  timeout: 5s
                  onBranchError: continue
                  branches:
                    - id: reply
                      model:
                        task: chat
                        strategy: fallback
                        targets:
                          - { provider: mock, model: gpt-4o-mini }
                        prompt:
                          system: "You answer customers of ACME politely."
                          user: "{{input.text}}"
                    - id: photo
                      when: "$exists(input.image)"
                      model:
                        task: vision
                        targets: [{ provider: mock, model: gpt-4o-mini }]
                        prompt: { user: "Describe any product damage in this photo." }
                        image: "{{input.image}}"
                    - id: mood
                      model: { task: sentiment, targets: [{ provider: local, model: lexicon }], text: "{{input.text}}" }
              - id: respond
                aggregate:
                  require: [reply]
                  jsonata: |
                    { "reply": steps.reply.text, "photo": steps.photo.text,
                      "sentiment": steps.mood.label,
                      "priority": steps.mood.score < -0.5 ? "high" : "normal" }
            """;

    static PipelineRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(5)));
        runtime.deploy(FEEDBACK, 1);
        runtime.activate("customer-feedback", 1);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void designExampleRunsFromYaml() throws Exception {
        InvocationResult r = runtime.invoke("customer-feedback",
                Map.of("text", "This is terrible, the box arrived broken and I hate it"), null)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        Map<?, ?> out = (Map<?, ?>) r.output();
        assertEquals("This is terrible, the box arrived broken and I hate it", out.get("reply"));
        assertEquals("negative", out.get("sentiment"));
        assertFalse(out.containsKey("photo"));
        assertEquals(List.of("analyze", "reply", "photo", "mood", "respond"),
                r.steps().stream().map(StepResult::id).toList());
        assertEquals("skipped", r.steps().get(2).status());
    }

    @Test
    void inputAgainstTheSchemaIsCheckedBeforeAnythingRuns() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> runtime.invoke(
                "customer-feedback", Map.of("image", 42), null).toCompletableFuture().get(5, TimeUnit.SECONDS));
        InvocationException.InputInvalid invalid = assertInstanceOf(InvocationException.InputInvalid.class, e.getCause());
        assertEquals(400, invalid.status());
        assertTrue(invalid.problems().size() >= 2, invalid.problems().toString());
    }

    @Test
    void compileReturnsTheCamelYamlWithoutLoadingIt() {
        int routes = runtime.camelContext().getRoutes().size();
        String camel = runtime.compile(FEEDBACK.replace("name: customer-feedback", "name: other"), 7);
        assertTrue(camel.contains("direct:braid.other.v7.reply"), camel);
        assertFalse(camel.contains("ACME"), camel);
        assertEquals(routes, runtime.camelContext().getRoutes().size());
        assertEquals(runtime.loadedVersion("customer-feedback", 1).orElseThrow().camelYaml(),
                runtime.compile(FEEDBACK, 1));
    }

    @Test
    void invalidYamlIsAnInvalidPipelineWithPositions() {
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> runtime.deploy(
                FEEDBACK.replace("aggregate:", "agregate:"), 2));
        assertTrue(e.errors().get(0).line() > 0, e.errors().toString());
        assertTrue(runtime.loadedVersion("customer-feedback", 2).isEmpty());
    }
}
