package dev.braid.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.braid.components.guard.GuardAction;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Valid pipelines become exactly the records the compiler and runtime expect. */
class PipelineReaderTest {

    private final PipelineReader reader = new PipelineReader();

    @Test
    void customerFeedbackPipelineBecomesTheExpectedRecords() {
        PipelineSpec spec = reader.read(SpecAssertions.fixture("valid/customer-feedback.yaml"));

        Map<String, Object> input = new LinkedHashMap<>();
        input.put("required", List.of("text"));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("text", Map.of("type", "string", "maxLength", 20000L));
        properties.put("image", Map.of("type", "string"));
        input.put("properties", properties);

        StepSpec reply = new StepSpec("reply", null, new Step.Model(ModelTask.CHAT, RoutingStrategy.FALLBACK,
                List.of(Target.of("mock", "gpt-4o-mini"), Target.of("mock", "claude-3-5-haiku-latest")),
                Duration.ofSeconds(10), 1,
                new Step.Prompt("You answer customers of ACME politely.", "{{input.text}}"),
                null, null, null, null, null, null, null), new SourcePosition(21, 11, "steps[2].parallel.branches[0]"));
        StepSpec photo = new StepSpec("photo", "$exists(input.image)", new Step.Model(ModelTask.VISION,
                RoutingStrategy.FALLBACK, List.of(Target.of("mock", "gpt-4o-mini")), Duration.ofSeconds(30), 0,
                new Step.Prompt(null, "Describe any product damage in this photo."), null, null, "{{input.image}}",
                null, null, null, null), new SourcePosition(33, 11, "steps[2].parallel.branches[1]"));
        StepSpec mood = new StepSpec("mood", null, new Step.Model(ModelTask.SENTIMENT, RoutingStrategy.FALLBACK,
                List.of(Target.of("local", "lexicon")), Duration.ofSeconds(30), 0, null, null, "{{input.text}}",
                null, null, null, null, null), new SourcePosition(40, 11, "steps[2].parallel.branches[2]"));
        PipelineSpec expected = new PipelineSpec("braid/v1", "Pipeline", "customer-feedback",
                "Reply to a customer, read their photo, score their mood.", input, "reply", List.of(
                        new StepSpec("redact", null,
                                new Step.Mask(List.of("EMAIL", "PHONE", "CREDIT_CARD", "IBAN"), Map.of(), List.of(), true),
                                new SourcePosition(12, 5, "steps[0]")),
                        new StepSpec("check", null, new Step.Guard(GuardAction.BLOCK, 4000, null),
                                new SourcePosition(14, 5, "steps[1]")),
                        new StepSpec("analyze", null, new Step.Parallel(Duration.ofSeconds(20),
                                Step.OnBranchError.CONTINUE, List.of(reply, photo, mood)),
                                new SourcePosition(16, 5, "steps[2]")),
                        new StepSpec("respond", null, new Step.Aggregate("""
                                { "reply": steps.reply.text, "photo": steps.photo.text,
                                  "sentiment": steps.mood.label,
                                  "priority": steps.mood.score < -0.5 ? "high" : "normal" }
                                """, List.of()), new SourcePosition(42, 5, "steps[3]"))));
        assertEquals(expected, spec);
    }

    @Test
    void everyStepKindWithItsOptionsIsRead() {
        PipelineSpec spec = reader.read(SpecAssertions.fixture("valid/every-kind.yaml"));
        assertNull(spec.stream());
        List<StepSpec> steps = spec.steps();
        assertEquals(List.of("redact", "limits", "crm", "chat", "shape", "fanout", "audit", "done"),
                steps.stream().map(StepSpec::id).toList());
        assertEquals(new Step.Mask(List.of(), Map.of("ORDER_ID", "ORD-[0-9]{6}"), List.of("input.messages"), false),
                steps.get(0).step());
        assertEquals(new Step.Guard(GuardAction.OFF, null, 20000), steps.get(1).step());
        assertEquals(new Step.Enrich("https://crm.example.com/customers/{{input.customerId}}", "POST",
                Map.of("Accept", "application/json"), Map.of("id", "{{input.customerId}}", "tags", List.of("a", "b")),
                Duration.ofSeconds(2)), steps.get(2).step());
        Step.Model chat = (Step.Model) steps.get(3).step();
        assertEquals(RoutingStrategy.WEIGHTED, chat.strategy());
        assertEquals(List.of(new Target("mock", "a", Map.of("weight", "3", "delay", "50ms")),
                new Target("mock", "b", Map.of("weight", "1", "failWith", "500"))), chat.targets());
        assertEquals("{{input.messages}}", chat.messages());
        assertNull(chat.prompt());
        assertEquals(0.2, chat.temperature());
        assertEquals(256, chat.maxTokens());
        assertEquals(new Step.Transform("{ 'text': steps.chat.text, 'crm': steps.crm }"), steps.get(4).step());
        Step.Parallel fanout = (Step.Parallel) steps.get(5).step();
        assertEquals(Duration.ofSeconds(30), fanout.timeout());
        assertEquals(Step.OnBranchError.FAIL, fanout.onBranchError());
        Step.Parallel inner = (Step.Parallel) fanout.branches().get(1).step();
        assertEquals("steps[5].parallel.branches[1].parallel.branches[0]", inner.branches().get(0).position().path());
        assertEquals(ModelTask.MODERATION, ((Step.Model) inner.branches().get(0).step()).task());
        assertEquals(List.of(Map.of("setHeader", Map.of("name", "braid", "constant", "yes")),
                Map.of("log", "chat answered: ${body}"), Map.of("to", "log:braid.audit?level=INFO")),
                ((Step.Camel) steps.get(6).step()).steps());
        assertEquals(List.of("chat", "embed"), ((Step.Aggregate) steps.get(7).step()).require());
    }

    @Test
    void defaultsApplyWhenKeysAreLeftOut() {
        PipelineSpec spec = reader.read(SpecAssertions.HEADER + """
                steps:
                  - id: lookup
                    enrich: { url: "http://crm.local/x" }
                  - id: reply
                    model: { targets: [{ provider: mock, model: a }], prompt: { system: be brief } }
                """);
        assertEquals(new Step.Enrich("http://crm.local/x", "GET", Map.of(), null, Duration.ofSeconds(5)),
                spec.steps().get(0).step());
        assertEquals(new Step.Model(ModelTask.CHAT, RoutingStrategy.FALLBACK, List.of(Target.of("mock", "a")),
                Duration.ofSeconds(30), 0, new Step.Prompt("be brief", null), null, null, null, null, null, null, null),
                spec.steps().get(1).step());
    }
}
