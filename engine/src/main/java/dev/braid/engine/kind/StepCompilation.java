package dev.braid.engine.kind;

import dev.braid.components.mask.Masker;
import dev.braid.engine.spec.StepSpec;
import dev.braid.engine.template.JsonataExpression;
import dev.braid.engine.template.Template;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the compiler offers one step while compiling it: the step, its key and path, the route
 * body being written, the bindings being collected, and error reporting. A kind writes its route's
 * processors with {@link #emit} (the compiler adds {@code braid:begin} or the {@code when} filter
 * around them) and its bindings with {@link #bind}.
 *
 * <p>No pipeline string goes into a Camel URI or expression: a route names its step by
 * {@link #query()} ({@code ?step=<name>/<N>/<id>}) and the endpoint reads the step from its binding.
 */
public interface StepCompilation {

    StepSpec step();

    /** The step's id. */
    default String id() {
        return step().id();
    }

    /** The step's path in the YAML ({@code steps[1].parallel.branches[0]}). */
    String path();

    /** The step's binding key, {@code <name>/<N>/<stepId>}. */
    String key();

    /** {@code ?step=<key>}: how every endpoint of the step's route names it. */
    default String query() {
        return "?step=" + key();
    }

    /** Adds a processor (a Camel YAML DSL map) to the step's route. */
    void emit(Object processor);

    /** Adds {@code to: <uri>} to the step's route. */
    default void emitTo(String uri) {
        emit(to(uri));
    }

    /** Adds a binding under the step's key. */
    void bind(Object binding);

    void error(String path, String message);

    /** Parses a template; null (and an error) when it does not parse or {@code source} is null. */
    Template template(String path, String source);

    /** Parses a JSONata expression; null (and an error) when it does not parse or is missing. */
    JsonataExpression jsonata(String path, String source);

    /** The top-level step before this one (what an output mask or guard reads), or null. */
    String previousStep();

    /** Literal or {@code regex:} secrets an output guard blocks. */
    List<Pattern> outputSecrets();

    /** The pipeline's output gets masked originals back at the end ({@code mask: {restore: true}}). */
    void restoreOutput();

    /** Masks what the pipeline returns and streams ({@code mask: {output: true}}). */
    void maskOutput(Masker masker);

    /** The step masks: the invocation needs one mask vault shared by every branch. */
    void sharesMaskVault();

    /**
     * The step's route holds integrator-written Camel: a failing route load points at the first
     * such step.
     */
    void holdsRawCamel();

    /**
     * Compiles a nested step (a parallel branch) into its own route.
     *
     * @return the branch route's URI, which this step's route calls
     */
    String branch(StepSpec branch, String path);

    /** {@code {to: uri}}. */
    static Map<String, Object> to(String uri) {
        return Map.of("to", uri);
    }
}
