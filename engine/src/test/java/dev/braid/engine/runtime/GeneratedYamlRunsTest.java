package dev.braid.engine.runtime;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.braid.components.model.api.Target;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.engine.compile.CompiledPipeline;
import dev.braid.engine.compile.PipelineCompiler;
import dev.braid.engine.run.EnrichTargetPolicy;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.Step;
import dev.braid.engine.steps.StepKinds;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** What the compiler writes is what runs: its YAML, loaded verbatim into a fresh CamelContext, runs the pipeline. */
class GeneratedYamlRunsTest {

    @Test
    void compiledYamlLoadsAndRunsInAFreshContext() throws Exception {
        PipelineSpec spec = pipeline("fresh",
                step("fan", parallel(Duration.ofSeconds(5), Step.OnBranchError.CONTINUE,
                        step("reply", chat(Target.of("mock", "m"), "SYSTEM PROMPT TEXT", "{{input.text}}")),
                        when("never", "input.flag = true", chat(Target.of("mock", "m"), null, "unused")))),
                step("out", aggregate("{ 'reply': steps.reply.text, 'never': steps.never.text }")));
        CompiledPipeline compiled = new PipelineCompiler().compile(spec, 1);
        assertFalse(compiled.camelYaml().contains("SYSTEM PROMPT TEXT"));

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            StepBindingRegistry registry = new StepBindingRegistry();
            registry.addAll(compiled.bindings());
            StepKinds kinds = StepKinds.defaults();
            CamelHost.configure(camel, kinds, registry,
                    new BraidComponent(registry, EnrichTargetPolicy.ALLOW_ALL, kinds.operations()));
            camel.addComponent("model", new ModelComponent());
            camel.start();
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("fresh.yaml", compiled.camelYaml()));
            assertEquals(5, camel.getRoutes().size());

            Map<String, Object> input = Map.of("text", "{{input.text}} ${body}", "flag", false);
            PipelineContext ctx = new PipelineContext("fresh", 1, input);
            Exchange exchange = new DefaultExchange(camel);
            exchange.setProperty(PipelineContext.EXCHANGE_PROPERTY, ctx);
            ProducerTemplate template = camel.createProducerTemplate();
            Exchange done = template.send(compiled.entryUri(), exchange);
            assertNull(done.getException());
            assertEquals(Map.of("reply", "{{input.text}} ${body}"), done.getMessage().getBody());
            assertEquals("skipped", ctx.result("never").status());
        }
    }
}
