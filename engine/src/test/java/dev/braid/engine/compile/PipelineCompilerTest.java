package dev.braid.engine.compile;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.braid.components.model.api.Target;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import dev.braid.engine.steps.guard.GuardBinding;
import dev.braid.engine.steps.guard.GuardClassifierBinding;
import dev.braid.engine.steps.model.ModelBinding;
import dev.braid.engine.steps.parallel.ParallelBinding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class PipelineCompilerTest {

    static final String PROMPT = "You answer customers of ACME politely. PROMPT_MARKER";
    static final String JSONATA = "{ 'reply': steps.reply.text, 'mark': 'JSONATA_MARKER' }";

    private final PipelineCompiler compiler = new PipelineCompiler();

    /** The DESIGN.md example, minus components not under test here. */
    public static PipelineSpec feedback() {
        return pipeline("customer-feedback",
                step("redact", mask(true)),
                step("analyze", parallel(Duration.ofSeconds(20), Step.OnBranchError.CONTINUE,
                        step("reply", chat(Target.of("mock", "m"), PROMPT, "{{input.text}}")),
                        when("photo", "$exists(input.image)",
                                chat(Target.of("mock", "m"), null, "Describe {{input.image}} TEMPLATE_MARKER")))),
                step("respond", aggregate(JSONATA, "reply")));
    }

    @Test
    void oneRoutePerStepPlusTheEntryRoute() {
        CompiledPipeline c = compiler.compile(feedback(), 3);
        List<?> routes = (List<?>) new Load(LoadSettings.builder().build()).loadFromString(c.camelYaml());
        List<String> ids = routes.stream()
                .map(r -> (String) ((Map<?, ?>) ((Map<?, ?>) r).get("route")).get("id"))
                .toList();
        assertEquals(List.of(
                "braid.customer-feedback.v3",
                "braid.customer-feedback.v3.redact",
                "braid.customer-feedback.v3.analyze",
                "braid.customer-feedback.v3.reply",
                "braid.customer-feedback.v3.photo",
                "braid.customer-feedback.v3.respond"), ids);
        for (Object r : routes) {
            Map<?, ?> route = (Map<?, ?>) ((Map<?, ?>) r).get("route");
            assertEquals("braid.customer-feedback.v3", route.get("group"));
            assertEquals("direct:" + route.get("id"), ((Map<?, ?>) route.get("from")).get("uri"));
        }
        assertEquals("braid.customer-feedback.v3", c.group());
        assertEquals("direct:braid.customer-feedback.v3", c.entryUri());
    }

    @Test
    void routesNameStepsByKeyOnly() {
        String yaml = compiler.compile(feedback(), 3).camelYaml();
        assertTrue(yaml.contains("- to: mask:mask?step=customer-feedback/3/redact"), yaml);
        assertTrue(yaml.contains("- to: model:chat?step=customer-feedback/3/reply"), yaml);
        assertTrue(yaml.contains("- to: braid:when?step=customer-feedback/3/photo"), yaml);
        assertTrue(yaml.contains("- to: braid:aggregate?step=customer-feedback/3/respond"), yaml);
        assertTrue(yaml.contains("- to: braid:join?step=customer-feedback/3/analyze"), yaml);
        assertTrue(yaml.contains("- to: braid:finish?step=customer-feedback/3"), yaml);
        assertTrue(yaml.contains("timeout: '20000'"), yaml);
        assertTrue(yaml.contains("aggregationStrategy: '#braidParallel'"), yaml);
        assertTrue(yaml.startsWith("- route:\n"), yaml);
    }

    @Test
    void noPipelineStringReachesTheCamelYaml() {
        String yaml = compiler.compile(feedback(), 3).camelYaml();
        for (String marker : List.of("PROMPT_MARKER", "TEMPLATE_MARKER", "JSONATA_MARKER", "{{", "}}", "${",
                "$exists", "input.image", "steps.reply")) {
            assertFalse(yaml.contains(marker), "the Camel YAML holds " + marker + ":\n" + yaml);
        }
    }

    @Test
    void outputIsStableByteForByte() {
        String a = compiler.compile(feedback(), 3).camelYaml();
        String b = new PipelineCompiler().compile(feedback(), 3).camelYaml();
        assertEquals(a, b);
        assertNotEquals(a, compiler.compile(feedback(), 4).camelYaml());
    }

    @Test
    void bindingsAreKeyedByStepKey() {
        CompiledPipeline c = compiler.compile(feedback(), 3);
        assertEquals(java.util.Set.of(
                "customer-feedback/3",
                "customer-feedback/3/redact",
                "customer-feedback/3/analyze",
                "customer-feedback/3/reply",
                "customer-feedback/3/photo",
                "customer-feedback/3/respond"), c.bindings().keySet());
        assertTrue(c.bindings().get("customer-feedback/3/reply").stream().anyMatch(b -> b instanceof ModelBinding));
        FinishBinding finish = (FinishBinding) c.bindings().get("customer-feedback/3").get(0);
        assertEquals("respond", finish.lastStepId());
        assertTrue(finish.restore());
        ParallelBinding p = (ParallelBinding) c.bindings().get("customer-feedback/3/analyze").get(1);
        assertEquals(List.of("reply", "photo"), p.branchIds());
    }

    @Test
    void invalidJsonataAndTemplatesAreReportedWithPaths() {
        PipelineSpec bad = pipeline("bad",
                new StepSpec("t", null, transform("{ 'a': "), new SourcePosition(4, 7, "steps[0]")),
                new StepSpec("m", null, chat(Target.of("mock", "m"), null, "{{ nope.x }}"),
                        new SourcePosition(9, 3, "steps[1]")));
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> compiler.compile(bad, 1));
        assertEquals(2, e.errors().size(), e.errors().toString());
        assertEquals("steps[0].transform.jsonata", e.errors().get(0).path());
        assertEquals(4, e.errors().get(0).line());
        assertEquals("steps[1].model.prompt.user", e.errors().get(1).path());
    }

    @Test
    void unsafeStepIdsAndDuplicatesAreRefused() {
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> compiler.compile(
                pipeline("ids", step("a?b=1", transform("1")), step("x", transform("1")), step("x", transform("2"))), 1));
        assertEquals(2, e.errors().size(), e.errors().toString());
    }

    @Test
    void enrichMustNameHttpOrHttpsLiterally() {
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> compiler.compile(
                pipeline("enr", step("e", enrich("{{input.url}}", null))), 1));
        assertTrue(e.errors().get(0).message().contains("http"), e.errors().toString());
    }

    @Test
    void camelStepProcessorsAreInlinedBetweenInAndOut() {
        String yaml = compiler.compile(pipeline("esc", step("raw", camel(Map.of("to", "log:x")))), 1).camelYaml();
        int in = yaml.indexOf("braid:camel-in?step=esc/1/raw");
        int log = yaml.indexOf("- to: log:x");
        int out = yaml.indexOf("braid:camel-out?step=esc/1/raw");
        assertTrue(in > 0 && in < log && log < out, yaml);
    }

    @Test
    void aGuardClassifierIsTheGuardThenAModelCallNamedByStepKeyWithNoPromptText() {
        Step.Guard g = new Step.Guard(dev.braid.components.guard.GuardAction.BLOCK, null, null, false,
                new Step.Classifier(dev.braid.components.model.routing.RoutingStrategy.FALLBACK,
                        List.of(Target.of("openai", "gpt-4o-mini")), Duration.ofSeconds(5), 1, null, 0.8),
                Step.OnClassifierError.BLOCK);
        CompiledPipeline c = compiler.compile(pipeline("judged", step("check", g)), 2);
        String yaml = c.camelYaml();
        assertTrue(yaml.contains("""
                        - to: braid:begin?step=judged/2/check
                        - to: guard:check?step=judged/2/check
                        - to: model:chat?step=judged/2/check
                """), yaml);
        for (String marker : List.of(dev.braid.components.guard.InjectionJudge.INSTRUCTION.substring(0, 30),
                "security classifier", "gpt-4o-mini", "openai", "0.8", "prompt_injection_verdict", "{{", "${")) {
            assertFalse(yaml.contains(marker), "the Camel YAML holds " + marker + ":\n" + yaml);
        }
        List<Object> bindings = c.bindings().get("judged/2/check");
        assertTrue(bindings.stream().anyMatch(b -> b instanceof GuardBinding), bindings.toString());
        GuardClassifierBinding judge = (GuardClassifierBinding) bindings.stream()
                .filter(b -> b instanceof GuardClassifierBinding).findFirst().orElseThrow();
        assertEquals(List.of(Target.of("openai", "gpt-4o-mini")), judge.routing().targets());
        assertEquals(Duration.ofSeconds(5), judge.routing().timeout());
        assertEquals(1, judge.routing().retries());
        // without a classifier the route is the guard alone
        String plain = compiler.compile(pipeline("plain", step("check", guard(dev.braid.components.guard.GuardAction.BLOCK))), 1)
                .camelYaml();
        assertFalse(plain.contains("model:"), plain);
    }
}
