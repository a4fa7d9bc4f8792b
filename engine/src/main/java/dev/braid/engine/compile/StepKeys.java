package dev.braid.engine.compile;

/**
 * Names the compiler gives a version's routes and steps. Pipeline names are {@code [a-z0-9-]} and
 * step ids {@code [A-Za-z0-9_-]}, so every name here is safe in a Camel URI as written.
 */
public final class StepKeys {

    private StepKeys() {}

    /** {@code braid.<name>.v<N>}: the route group, and the entry route's id. */
    public static String group(String pipeline, int version) {
        return "braid." + pipeline + ".v" + version;
    }

    /** {@code direct:braid.<name>.v<N>}: where an invocation enters. */
    public static String entryUri(String pipeline, int version) {
        return "direct:" + group(pipeline, version);
    }

    /** {@code braid.<name>.v<N>.<stepId>}: a step's route id. */
    public static String routeId(String pipeline, int version, String stepId) {
        return group(pipeline, version) + "." + stepId;
    }

    public static String stepUri(String pipeline, int version, String stepId) {
        return "direct:" + routeId(pipeline, version, stepId);
    }

    /** {@code <name>/<N>/<stepId>}: the key a route names its step by. */
    public static String stepKey(String pipeline, int version, String stepId) {
        return versionKey(pipeline, version) + "/" + stepId;
    }

    /** {@code <name>/<N>}: the key of the version itself (its finish step). */
    public static String versionKey(String pipeline, int version) {
        return pipeline + "/" + version;
    }
}
