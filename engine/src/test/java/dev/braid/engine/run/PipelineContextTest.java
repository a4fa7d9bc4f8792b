package dev.braid.engine.run;

import static org.junit.jupiter.api.Assertions.*;

import dev.braid.components.model.api.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineContextTest {

    @Test
    void aStepCompletesOnceAndALateWriteIsIgnored() {
        PipelineContext ctx = new PipelineContext("p", 1, Map.of("text", "hi"));
        ctx.begin("slow");
        assertTrue(ctx.complete("slow", null, new StepResult("slow", StepStatus.TIMEOUT, 200, null, null, "late")));
        assertFalse(ctx.complete("slow", Map.of("text", "too late"),
                new StepResult("slow", StepStatus.OK, 2000, "mock/m", Usage.of(5, 5, 0.1, false), null)));
        assertNull(ctx.output("slow"));
        assertEquals("timeout", ctx.result("slow").status());
        assertEquals(Usage.ZERO, ctx.usage());
    }

    @Test
    void resultsFollowTheOrderStepsBeganAndUsageSums() {
        PipelineContext ctx = new PipelineContext("p", 1, null);
        ctx.begin("a");
        ctx.begin("b");
        ctx.complete("b", "B", new StepResult("b", StepStatus.OK, 1, "mock/m", Usage.of(1, 2, 0.5, false), null));
        ctx.complete("a", "A", new StepResult("a", StepStatus.OK, 1, "mock/m", Usage.of(3, 4, 0.25, true), null));
        assertEquals(List.of("a", "b"), ctx.results().stream().map(StepResult::id).toList());
        assertEquals(10, ctx.usage().totalTokens());
        assertEquals(0.75, ctx.usage().costUsd(), 1e-9);
        assertTrue(ctx.usage().estimated());
    }

    @Test
    void viewIsASnapshotOfInputStepsAndVars() {
        PipelineContext ctx = new PipelineContext("p", 1, Map.of("text", "hi"));
        ctx.complete("a", "A", new StepResult("a", StepStatus.OK, 0, null, null, null));
        ctx.vars().put("crm", Map.of("tier", "gold"));
        Map<String, Object> view = ctx.view();
        ctx.complete("b", "B", new StepResult("b", StepStatus.OK, 0, null, null, null));
        assertEquals(Map.of("a", "A"), view.get("steps"));
        assertEquals(Map.of("crm", Map.of("tier", "gold")), view.get("vars"));
        ctx.replaceInput(Map.of("text", "<EMAIL_1>"));
        assertEquals(Map.of("text", "<EMAIL_1>"), ctx.roots().apply("input"));
    }
}
