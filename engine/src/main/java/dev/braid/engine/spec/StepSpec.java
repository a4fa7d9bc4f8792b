package dev.braid.engine.spec;

/**
 * One step: its id ({@code [A-Za-z][A-Za-z0-9_-]{0,62}}), an optional JSONata {@code when}
 * condition (the step is skipped when it is false), what it does, and where it was written.
 */
public record StepSpec(String id, String when, Step step, SourcePosition position) {

    /** {@code steps} and every step nested in them, depth first (a step before its children). */
    public static java.util.List<StepSpec> allOf(java.util.List<StepSpec> steps) {
        java.util.List<StepSpec> out = new java.util.ArrayList<>();
        collect(steps, out);
        return java.util.List.copyOf(out);
    }

    private static void collect(java.util.List<StepSpec> steps, java.util.List<StepSpec> out) {
        for (StepSpec s : steps) {
            out.add(s);
            collect(s.step().children(), out);
        }
    }
}
