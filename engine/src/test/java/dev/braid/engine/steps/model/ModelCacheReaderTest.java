package dev.braid.engine.steps.model;

import static dev.braid.engine.read.SpecAssertions.HEADER;
import static dev.braid.engine.read.SpecAssertions.assertAt;
import static dev.braid.engine.read.SpecAssertions.error;
import static dev.braid.engine.read.SpecAssertions.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.engine.read.PipelineReader;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.ValidationError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code model: {cache: {ttl, allowNonZeroTemperature}, on: [...]}} as the reader sees them. */
class ModelCacheReaderTest {

    private static String step(String cache) {
        return HEADER + """
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: a }]
                      prompt: { user: hi }
                """ + cache;
    }

    private static Step.Model model(String yaml) {
        return (Step.Model) new PipelineReader().read(yaml).steps().get(0).step();
    }

    @Test
    void cacheWithTtlAndTemperatureFlagIsRead() {
        Step.Model m = model(step("      cache: { ttl: 10m, allowNonZeroTemperature: true }\n"));
        assertEquals(new CachePolicy(Duration.ofMinutes(10), true), m.cache());
    }

    @Test
    void temperatureFlagDefaultsToFalseAndNoCacheIsNull() {
        assertEquals(new CachePolicy(Duration.ofSeconds(30), false),
                model(step("      cache: { ttl: 30s }\n")).cache());
        assertNull(model(step("")).cache());
    }

    @Test
    void badTtlPointsAtTheValue() {
        ValidationError e = error(errors(step("      cache: { ttl: soon }\n")), "duration");
        assertEquals("expected a duration such as 500ms, 10s or 2m, got 'soon'", e.message());
        assertAt(e, 9, 21, "steps[0].model.cache.ttl");
    }

    @Test
    void ttlIsRequiredAndUnknownKeysAreErrors() {
        var errs = errors(step("      cache:\n        allowNonZeroTemperature: false\n        tll: 5m\n"));
        ValidationError unknown = error(errs, "unknown key 'tll'");
        assertAt(unknown, 11, 9, "steps[0].model.cache.tll");
        ValidationError missing = error(errs, "missing required key 'ttl'");
        assertEquals(10, missing.line());
    }

    @Test
    void temperatureFlagMustBeABoolean() {
        ValidationError e = error(errors(step("      cache: { ttl: 1m, allowNonZeroTemperature: maybe }\n")),
                "true or false");
        assertAt(e, 9, 50, "steps[0].model.cache.allowNonZeroTemperature");
    }

    @Test
    void fallbackTriggersAreRead() {
        assertEquals(java.util.Set.of(FallbackTrigger.RATE_LIMITED, FallbackTrigger.SERVER_ERROR, FallbackTrigger.TIMEOUT,
                        FallbackTrigger.CONNECT),
                model(step("      on: [429, 5xx, timeout, connect]\n")).on());
        assertNull(model(step("")).on());
    }

    @Test
    void unknownOrRepeatedTriggerPointsAtTheItem() {
        ValidationError e = error(errors(step("      on: [5xx, 4xx]\n")), "expected one of");
        assertEquals("expected one of 429, 5xx, 408, timeout, connect, auth, 404, got '4xx' (did you mean '5xx'?)", e.message());
        assertAt(e, 9, 17, "steps[0].model.on[1]");
        ValidationError twice = error(errors(step("      on: [429, 429]\n")), "listed twice");
        assertAt(twice, 9, 17, "steps[0].model.on[1]");
        ValidationError empty = error(errors(step("      on: []\n")), "at least one");
        assertAt(empty, 9, 11, "steps[0].model.on");
    }
}
