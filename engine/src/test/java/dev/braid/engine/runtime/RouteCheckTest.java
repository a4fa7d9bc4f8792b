package dev.braid.engine.runtime;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Validation checks routes in a throwaway CamelContext: the live one never sees them. */
class RouteCheckTest {

    private final PipelineRuntime runtime =
            new PipelineRuntime(new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(5)));

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void aRouteThatDoesNotLoadIsReportedAtItsCamelStepAndTheLiveContextIsUntouched() {
        int routes = runtime.routes().size();
        int endpoints = runtime.endpoints().size();
        PipelineSpec broken = pipeline("svc",
                step("first", transform("'v2'")),
                step("raw", camel(Map.of("to", "log:x?noSuchOption=1"))));
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> runtime.checkRoutes(broken, 1));
        assertTrue(e.errors().get(0).message().contains("Camel routes did not load"), e.getMessage());
        assertEquals(routes, runtime.routes().size());
        assertEquals(endpoints, runtime.endpoints().size());
    }

    @Test
    void routesThatLoadPassWithoutLoadingAnythingLive() {
        int endpoints = runtime.endpoints().size();
        runtime.checkRoutes(pipeline("svc", step("first", transform("'v2'")),
                step("raw", camel(Map.of("to", "log:x?level=INFO")))), 1);
        assertEquals(List.of(), runtime.routes());
        assertEquals(endpoints, runtime.endpoints().size());
        assertTrue(runtime.loadedVersion("svc", 1).isEmpty());
    }
}
