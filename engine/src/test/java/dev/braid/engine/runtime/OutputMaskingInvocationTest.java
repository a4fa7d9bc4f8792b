package dev.braid.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.StepDelta;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code mask: {output: true}} over the real runtime: returned and streamed text, restore, output guards. */
class OutputMaskingInvocationTest {

    static final StreamingInvocationTest.SplittingProvider SPLITTER = new StreamingInvocationTest.SplittingProvider();
    static PipelineRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(SPLITTER), Set.of("log"), Duration.ofSeconds(5)));
        deploy("""
                name: out
                stream: reply
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: splitter, model: s3 }]
                      prompt: { user: "{{input.text}}" }
                  - id: hide
                    mask: { output: true, entities: [EMAIL, PHONE] }
                """);
        // the model sees <EMAIL_1>; the prompt's own text hands it the same address raw
        deploy("""
                name: restored
                stream: reply
                steps:
                  - id: redact
                    mask: { entities: [EMAIL], restore: true }
                  - id: reply
                    model:
                      targets: [{ provider: splitter, model: s2 }]
                      prompt: { user: "{{input.text}} cc alice@shop.example" }
                  - id: hide
                    mask: { output: true }
                """);
        deploy(guarded("mask: { output: true, entities: [EMAIL] }", "guard: { output: true }"));
        deploy(guarded("guard: { output: true }", "mask: { output: true, entities: [EMAIL] }").replace("name: guarded", "name: guard-first"));
        deploy(guarded("mask: { output: true, entities: [PHONE] }", "guard: { output: true }").replace("name: guarded", "name: phone-only"));
    }

    static String guarded(String first, String second) {
        return """
                name: guarded
                steps:
                  - id: redact
                    mask: { entities: [EMAIL] }
                  - id: reply
                    model:
                      targets: [{ provider: splitter, model: s }]
                      prompt: { user: "{{input.text}} and alice@shop.example" }
                  - id: one
                    %s
                  - id: two
                    %s
                """.formatted(first, second);
    }

    static void deploy(String body) {
        String yaml = "apiVersion: braid/v1\nkind: Pipeline\n" + body;
        String name = yaml.substring(yaml.indexOf("name: ") + 6, yaml.indexOf('\n', yaml.indexOf("name: ")));
        runtime.deploy(yaml, 1);
        runtime.activate(name, 1);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static InvocationResult invoke(String name, String text) throws Exception {
        return runtime.invoke(name, Map.of("text", text), null).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static InvocationResult stream(String name, String text, List<StepDelta> deltas) throws Exception {
        return runtime.invokeStreaming(name, Map.of("text", text), null, deltas::add).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String text(InvocationResult r) {
        return (String) ((Map<?, ?>) r.output()).get("text");
    }

    @Test
    void piiTheModelAnswersIsMaskedInTheOutputAndInEveryStreamedDelta() throws Exception {
        String answer = "Call +44 20 7946 0958 or mail bob@example.com, thanks";
        InvocationResult plain = invoke("out", answer);
        assertEquals("Call <PHONE_1> or mail <EMAIL_1>, thanks", text(plain));
        List<StepDelta> deltas = new CopyOnWriteArrayList<>();
        InvocationResult streamed = stream("out", answer, deltas);
        String joined = String.join("", deltas.stream().map(StepDelta::text).toList());
        assertEquals(text(plain), joined, "the stream says what the answer says: " + deltas);
        assertEquals(text(plain), text(streamed));
        assertTrue(deltas.size() >= 4, "still streamed in pieces: " + deltas);
        for (StepDelta d : deltas) {
            // the splitter cut both values into 3-character pieces: none may get out, not even in part
            assertFalse(d.text().contains("bob") || d.text().contains("7946") || d.text().contains("example"), deltas.toString());
        }
    }

    @Test
    void outputMaskingWinsOverRestoreAndItsPlaceholdersAreNeverRestored() throws Exception {
        InvocationResult r = invoke("restored", "I am alice@shop.example");
        assertEquals("<EMAIL_1> cc alice@shop.example", SPLITTER.seen.get(SPLITTER.seen.size() - 1).substring(5));
        // restored first (<EMAIL_1> -> alice), then output-masked: the same original, an output placeholder
        assertEquals("I am <EMAIL_2> cc <EMAIL_2>", text(r));
        List<StepDelta> deltas = new CopyOnWriteArrayList<>();
        InvocationResult s = stream("restored", "I am alice@shop.example", deltas);
        assertEquals(text(r), String.join("", deltas.stream().map(StepDelta::text).toList()), deltas.toString());
        assertEquals(text(r), text(s));
    }

    @Test
    void anOutputGuardStillBlocksMaskedOriginalsTheOutputMaskLeaves() throws Exception {
        // the model sees <EMAIL_1>, and the prompt's own text leaks the same original: masked before the guard looks
        assertEquals("<EMAIL_1> and <EMAIL_2>", text(invoke("guarded", "alice@shop.example")));
        // the guard looks first, or the output mask does not cover e-mails: blocked
        for (String name : List.of("guard-first", "phone-only")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> invoke(name, "alice@shop.example"), name);
            InvocationException.StepFailed failed = assertInstanceOf(InvocationException.StepFailed.class, e.getCause());
            assertEquals(502, failed.status());
            assertEquals("output_blocked", failed.code());
        }
    }
}
