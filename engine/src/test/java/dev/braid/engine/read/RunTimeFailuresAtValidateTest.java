package dev.braid.engine.read;

import static dev.braid.engine.read.SpecAssertions.HEADER;
import static dev.braid.engine.read.SpecAssertions.assertAt;
import static dev.braid.engine.read.SpecAssertions.error;
import static dev.braid.engine.read.SpecAssertions.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Target;
import dev.braid.engine.spec.EnrichUrlCheck;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.ReaderLimits;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.ValidationError;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pipelines that used to validate and then fail, or be ignored, at run time (issue 13 item 15):
 * unknown target keys, options the target's provider never reads, option values that cannot
 * parse, headers the HTTP client refuses, and literal enrich hosts the SSRF rules refuse.
 */
class RunTimeFailuresAtValidateTest {

    private static String target(String extra) {
        return HEADER + """
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: openai, model: gpt-4o-mini, %s }]
                      prompt: { user: hi }
                """.formatted(extra);
    }

    @Test
    void providerSettingsOnATargetAreUnknownKeysAtTheKey() {
        for (String key : List.of("baseUrl", "apiKey", "api_key", "organization", "temperature")) {
            ValidationError e = error(errors(target(key + ": x")), "unknown key '" + key + "' on a target");
            assertAt(e, 7, 57, "steps[0].model.targets[0]." + key);
            assertTrue(e.message().contains("braid.providers"), e.message());
        }
    }

    @Test
    void aMisspeltOptionGetsADidYouMean() {
        ValidationError e = error(errors(target("wieght: 3")), "unknown key 'wieght'");
        assertTrue(e.message().contains("(did you mean 'weight'?)"), e.message());
        e = error(errors(target("firstByteTimout: 5s")), "unknown key 'firstByteTimout'");
        assertTrue(e.message().contains("(did you mean 'firstByteTimeout'?)"), e.message());
    }

    @Test
    void mockOptionsOnAnotherProviderAreRefused() {
        ValidationError e = error(errors(target("failWith: 500")), "read only by the mock provider");
        assertAt(e, 7, 57, "steps[0].model.targets[0].failWith");
    }

    @Test
    void optionValuesThatCannotParseAreRefusedAtTheValue() {
        assertAt(error(errors(target("weight: heavy")), "weight must be a number >= 0"), 7, 65, "steps[0].model.targets[0].weight");
        error(errors(target("weight: -1")), "weight must be a number >= 0");
        error(errors(target("firstByteTimeout: soon")), "firstByteTimeout must be a duration");
        error(errors(HEADER + "steps: [{ id: m, model: { targets: [{ provider: mock, model: a, failWith: oops }], prompt: { user: hi } } }]\n"),
                "failWith must be an integer");
    }

    @Test
    void everyKnownOptionStillReads() {
        PipelineSpec spec = new PipelineReader().read(HEADER + """
                steps:
                  - id: reply
                    model:
                      strategy: weighted
                      targets:
                        - { provider: openai, model: a, weight: 2.5, firstByteTimeout: 5s, totalTimeout: 1m }
                        - { provider: mock, model: b, delay: 50ms, failWith: 429, failTimes: 2, retryAfter: 1s, chunkDelay: 10ms, failAfterChunks: 3 }
                      prompt: { user: hi }
                """);
        List<Target> targets = ((Step.Model) spec.steps().get(0).step()).targets();
        assertEquals(Map.of("weight", "2.5", "firstByteTimeout", "5s", "totalTimeout", "1m"), targets.get(0).options());
        assertEquals(6, targets.get(1).options().size());
    }

    @Test
    void classifierTargetsAreCheckedTheSameWay() {
        error(errors(HEADER + """
                steps:
                  - id: check
                    guard:
                      classifier:
                        targets: [{ provider: openai, model: gpt-4o-mini, apiKey: sk-x }]
                """), "unknown key 'apiKey' on a target");
    }

    private static String enrich(String headers) {
        return HEADER + """
                steps:
                  - id: lookup
                    enrich:
                      url: "https://api.example.com/x"
                      headers:
                %s
                """.formatted(headers);
    }

    @Test
    void headersTheHttpClientOwnsAreRefusedAtTheName() {
        for (String name : List.of("Host", "host", "Content-Length", "Connection", "Transfer-Encoding", "Expect",
                "Upgrade", "Keep-Alive", "TE", "Trailer", "Proxy-Connection")) {
            ValidationError e = error(errors(enrich("          " + name + ": x")), "header '" + name + "' is managed by the HTTP client");
            assertAt(e, 9, 11, "steps[0].enrich.headers." + name);
        }
    }

    @Test
    void headerNamesThatAreNotTokensAndLiteralValuesWithLineBreaksAreRefused() {
        error(errors(enrich("          \"X Tenant\": x")), "'X Tenant' is not a valid header name");
        error(errors(enrich("          \"X-Tenant:\": x")), "is not a valid header name");
        ValidationError e = error(errors(enrich("          X-Tenant: \"a\\r\\nX-Injected: 1\"")), "the value of header 'X-Tenant'");
        assertAt(e, 9, 21, "steps[0].enrich.headers.X-Tenant");
        error(errors(enrich("          X-Tenant: \"a\\u0000b\"")), "the value of header 'X-Tenant'");
    }

    @Test
    void ordinaryAndTemplatedHeadersStillRead() {
        PipelineSpec spec = new PipelineReader().read(HEADER + """
                input: { properties: { tenant: { type: string } } }
                steps:
                  - id: lookup
                    enrich:
                      url: "https://api.example.com/x"
                      headers: { Authorization: "Bearer abc", X-Tenant: "{{input.tenant}}", Accept: application/json, User-Agent: braid }
                """);
        assertEquals(4, ((Step.Enrich) spec.steps().get(0).step()).headers().size());
    }

    @Test
    void literalEnrichHostsGoToTheSsrfCheckTemplatedOnesDoNot() {
        List<String> asked = new ArrayList<>();
        EnrichUrlCheck loopbackNames = url -> {
            asked.add(url.getHost());
            return Set.of("localhost.", "vm").contains(url.getHost()) ? Optional.of("'" + url.getHost() + "' resolves to loopback")
                    : Optional.empty();
        };
        PipelineReader reader = new PipelineReader(ReaderLimits.DEFAULTS, Set.of("log"), loopbackNames);
        for (String host : List.of("localhost.", "vm")) {
            ValidationError e = error(errors(reader, HEADER + "steps: [{ id: lookup, enrich: { url: \"http://" + host + ":8080/x\" } }]\n"),
                    "enrich target refused: '" + host + "' resolves to loopback");
            assertAt(e, 4, 38, "steps[0].enrich.url");
        }
        reader.read(HEADER + "input: { properties: { host: { type: string } } }\n"
                + "steps: [{ id: lookup, enrich: { url: \"http://{{input.host}}/x\" } }]\n");
        assertEquals(List.of("localhost.", "vm"), asked, "a templated host is judged per call, not at validate");
        assertTrue(URI.create("http://localhost./x").getHost().endsWith("."));
    }
}
