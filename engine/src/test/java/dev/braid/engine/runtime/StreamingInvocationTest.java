package dev.braid.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.engine.run.StepDelta;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PipelineRuntime#invokeStreaming}: which step streams, what a mask restore does to split placeholders. */
class StreamingInvocationTest {

    /**
     * Streams the last user message in pieces of N characters (the digits of the model name, default 2), and sends
     * no finish delta: the runtime must release held-back text at the end on its own.
     */
    static final class SplittingProvider implements ModelProvider {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "splitter";
        }

        @Override
        public CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
            seen.add(request.lastUserText());
            return CompletableFuture.completedFuture(response(request.lastUserText(), target));
        }

        @Override
        public boolean supportsStreaming() {
            return true;
        }

        @Override
        public CompletionStage<ModelResponse> stream(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
            String text = request.lastUserText();
            seen.add(text);
            // the piece size rides in the model name ("s3": 3): target options are a closed set
            String digits = target.model().replaceAll("[^0-9]", "");
            int size = digits.isEmpty() ? 2 : Integer.parseInt(digits);
            // on another thread, as a real provider's I/O thread would
            return CompletableFuture.supplyAsync(() -> {
                for (int i = 0; i < text.length(); i += size) {
                    sink.accept(new ModelDelta.Text(text.substring(i, Math.min(text.length(), i + size))));
                }
                return response(text, target);
            });
        }

        static ModelResponse response(String text, Target target) {
            return new ModelResponse("splitter", target.model(), text, null, "stop", null, Usage.of(3, 4, 0, false), 0);
        }
    }

    static final SplittingProvider SPLITTER = new SplittingProvider();
    static PipelineRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(SPLITTER), Set.of("log"), Duration.ofSeconds(5)));
        runtime.deploy("""
                apiVersion: braid/v1
                kind: Pipeline
                name: fan
                stream: reply
                steps:
                  - id: both
                    parallel:
                      branches:
                        - id: reply
                          model:
                            targets: [{ provider: mock, model: words }]
                            prompt: { user: "{{input.text}}" }
                        - id: other
                          model:
                            targets: [{ provider: splitter, model: s }]
                            prompt: { user: "not streamed" }
                  - id: out
                    aggregate: { jsonata: '{"text": steps.reply.text, "other": steps.other.text}' }
                """, 1);
        runtime.activate("fan", 1);
        runtime.deploy("""
                apiVersion: braid/v1
                kind: Pipeline
                name: masked
                stream: reply
                steps:
                  - id: redact
                    mask: { entities: [EMAIL], restore: true }
                  - id: reply
                    model:
                      targets: [{ provider: splitter, model: s3 }]
                      prompt: { user: "{{input.text}}" }
                """, 1);
        runtime.activate("masked", 1);
        runtime.deploy("""
                apiVersion: braid/v1
                kind: Pipeline
                name: masked-norestore
                stream: reply
                steps:
                  - id: redact
                    mask: { entities: [EMAIL] }
                  - id: reply
                    model:
                      targets: [{ provider: splitter, model: s3 }]
                      prompt: { user: "{{input.text}}" }
                """, 1);
        runtime.activate("masked-norestore", 1);
        runtime.deploy("""
                apiVersion: braid/v1
                kind: Pipeline
                name: plain
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: words }]
                      prompt: { user: "{{input.text}}" }
                """, 1);
        runtime.activate("plain", 1);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static InvocationResult stream(String name, Object input, List<StepDelta> deltas) throws Exception {
        return runtime.invokeStreaming(name, input, null, deltas::add).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String joined(List<StepDelta> deltas) {
        return String.join("", deltas.stream().map(StepDelta::text).toList());
    }

    @Test
    void onlyTheStreamStepStreamsEvenInsideAParallel() throws Exception {
        List<StepDelta> deltas = new CopyOnWriteArrayList<>();
        InvocationResult r = stream("fan", Map.of("text", "three small words"), deltas);
        assertEquals(List.of("three", " small", " words"), deltas.stream().map(StepDelta::text).toList());
        assertTrue(deltas.stream().allMatch(d -> d.stepId().equals("reply")), deltas.toString());
        assertEquals(Map.of("text", "three small words", "other", "not streamed"), r.output());
        InvocationResult plain = runtime.invoke("fan", Map.of("text", "three small words"), null)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(plain.output(), r.output(), "streaming changes how, not what");
        assertEquals(plain.usage().totalTokens(), r.usage().totalTokens());
    }

    @Test
    void aPipelineWithoutStreamSendsNoDeltas() throws Exception {
        List<StepDelta> deltas = new CopyOnWriteArrayList<>();
        InvocationResult r = stream("plain", Map.of("text", "no stream here"), deltas);
        assertEquals(List.of(), deltas);
        assertEquals("no stream here", ((Map<?, ?>) r.output()).get("text"));
    }

    @Test
    void withRestoreAPlaceholderSplitAcrossDeltasComesBackWhole() throws Exception {
        List<StepDelta> deltas = new CopyOnWriteArrayList<>();
        String text = "Mail bob@example.com or carol@example.net";
        InvocationResult r = stream("masked", Map.of("text", text), deltas);
        assertEquals("Mail <EMAIL_1> or <EMAIL_2>", SPLITTER.seen.get(SPLITTER.seen.size() - 1), "the provider saw placeholders");
        assertEquals(text, joined(deltas), "restored, and nothing held back is lost at the end: " + deltas);
        assertTrue(deltas.size() >= 4, "still streamed in pieces: " + deltas);
        assertFalse(deltas.stream().anyMatch(d -> d.text().contains("<") || d.text().contains("EMA")), deltas.toString());
        assertEquals(text, ((Map<?, ?>) r.output()).get("text"));
    }

    @Test
    void withoutRestoreTheStreamKeepsThePlaceholders() throws Exception {
        List<StepDelta> deltas = new CopyOnWriteArrayList<>();
        stream("masked-norestore", Map.of("text", "Mail bob@example.com"), deltas);
        assertEquals("Mail <EMAIL_1>", joined(deltas));
    }
}
