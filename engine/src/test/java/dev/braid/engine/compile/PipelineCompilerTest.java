package dev.braid.engine.compile;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.braid.components.model.Target;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineCompilerTest {

    private final PipelineCompiler compiler = new PipelineCompiler();

    static PipelineSpec feedback() {
        return pipeline("customer-feedback",
                step("redact", mask(true)),
                step("analyze", parallel(Duration.ofSeconds(20), Step.OnBranchError.CONTINUE,
                        step("reply", chat(Target.of("mock", "m"), "You answer ACME customers.", "{{input.text}}")),
                        when("photo", "$exists(input.image)", chat(Target.of("mock", "m"), null, "Describe {{input.image}}")))),
                step("respond", aggregate("{ \"reply\": steps.reply.text }", "reply")));
    }

    @Test
    void printsYaml() {
        System.out.println(compiler.compile(feedback(), 3).camelYaml());
    }
}
