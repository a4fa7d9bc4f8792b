package dev.braid.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.spec.EnrichUrlCheck;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.ReaderLimits;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.ValidationError;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reader's additive hardening options: output guards and the enrich URL check. */
class HardeningReaderTest {

    private static String pipeline(String step) {
        return "apiVersion: braid/v1\nkind: Pipeline\nname: h\nsteps:\n  - id: s\n    " + step + "\n";
    }

    @Test
    void anOutputGuardIsACheckOfItsOwnAndOutputMustBeABoolean() {
        Step.Guard g = (Step.Guard) new PipelineReader().read(pipeline("guard: { output: true }")).steps().get(0).step();
        assertTrue(g.output());
        InvalidPipelineException off = assertThrows(InvalidPipelineException.class,
                () -> new PipelineReader().read(pipeline("guard: { output: false }")));
        assertTrue(off.errors().get(0).message().contains("at least one check"), off.getMessage());
        InvalidPipelineException bad = assertThrows(InvalidPipelineException.class,
                () -> new PipelineReader().read(pipeline("guard: { output: yes please }")));
        assertEquals(1, bad.errors().size(), bad.getMessage());
        assertEquals("steps[0].guard.output", bad.errors().get(0).path());
    }

    @Test
    void theEnrichUrlCheckSeesOnlyLiteralAuthorities() {
        List<URI> seen = new ArrayList<>();
        EnrichUrlCheck check = url -> {
            seen.add(url);
            return "10.0.0.1".equals(url.getHost()) ? Optional.of("private") : Optional.empty();
        };
        PipelineReader reader = new PipelineReader(ReaderLimits.DEFAULTS, Set.of("log"), check);
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class,
                () -> reader.read(pipeline("enrich: { url: \"http://10.0.0.1/a/{{input.x}}\" }")));
        ValidationError error = e.errors().get(0);
        assertEquals(6, error.line());
        assertEquals("steps[0].enrich.url", error.path());
        assertTrue(error.message().contains("enrich target refused: private"), error.message());
        reader.read(pipeline("enrich: { url: \"https://{{input.host}}/a\" }"));
        reader.read(pipeline("enrich: { url: \"https://api.example.com:{{input.port}}/a\" }"));
        assertEquals(1, seen.size(), "templated hosts and ports are left to the runtime policy: " + seen);
        InvalidPipelineException noHost = assertThrows(InvalidPipelineException.class,
                () -> reader.read(pipeline("enrich: { url: \"http://127.1/x\" }")));
        assertTrue(noHost.errors().get(0).message().contains("not a valid host name"), noHost.getMessage());
        assertFalse(new PipelineReader().read(pipeline("enrich: { url: \"http://10.0.0.1/a\" }")).steps().isEmpty(),
                "the default reader has no SSRF rules (the runtime's policy decides)");
    }
}
