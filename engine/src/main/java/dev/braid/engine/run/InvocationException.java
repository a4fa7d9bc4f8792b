package dev.braid.engine.run;

import java.util.List;

/**
 * Why an invocation failed for a reason the engine itself decides (component failures such as
 * {@code ModelException} and {@code GuardBlockedException} pass through unchanged).
 */
public abstract sealed class InvocationException extends RuntimeException
        permits InvocationException.PipelineNotFound, InvocationException.InputInvalid,
                InvocationException.StepFailed, InvocationException.VersionRetired {

    protected InvocationException(String message) {
        super(message, null, false, false);
    }

    public abstract int status();

    /**
     * Runs an expression a step evaluates ({@code transform}, {@code aggregate}); a failure inside
     * it is the pipeline's fault ({@link StepFailed#pipeline}, {@code step_failed}) naming the step;
     * an {@code InvocationException} passes.
     */
    public static Object evaluating(String stepId, String kind, java.util.function.Supplier<Object> body) {
        try {
            return body.get();
        } catch (InvocationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StepFailed.pipeline(
                    stepId, "step_failed", "the " + kind + " step '" + stepId + "' failed: " + e.getMessage());
        }
    }

    /** Whose doing a step failure is: the pipeline's own logic, or a service it called. */
    public enum Fault {
        /**
         * The deployed pipeline cannot process this input: a JSONata expression failed at run time, a
         * {@code when} failed, a {@code require}d step failed. 422: retrying the same call will not help,
         * and no provider is to blame.
         */
        PIPELINE,
        /** A service the step called (an enrich target, a branch that timed out): 502 or 504. */
        UPSTREAM
    }

    public abstract String code();

    /** No such pipeline, or no such version of it: 404. */
    public static final class PipelineNotFound extends InvocationException {
        private final boolean version;

        public PipelineNotFound(String message, boolean version) {
            super(message);
            this.version = version;
        }

        public int status() {
            return 404;
        }

        public String code() {
            return version ? "version_not_found" : "pipeline_not_found";
        }
    }

    /** The input does not satisfy the pipeline's {@code input} schema: 400 with every problem. */
    public static final class InputInvalid extends InvocationException {
        private final List<String> problems;

        public InputInvalid(List<String> problems) {
            super("input does not match the pipeline's input schema: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }

        public int status() {
            return 400;
        }

        public String code() {
            return "invalid_input";
        }
    }

    /**
     * A step failed in a way that is neither the caller's nor a provider's doing as such
     * (a required branch failed, a JSONata expression failed at run time, a branch timed out
     * under {@code onBranchError: fail}). {@code status} is 422 for the pipeline's own fault
     * ({@link #pipeline}), 502 or 504 for an upstream's.
     */
    public static final class StepFailed extends InvocationException {
        private final String stepId;
        private final int status;
        private final String code;
        private final Fault fault;

        /** An upstream's failure (502 or 504). */
        public StepFailed(String stepId, int status, String code, String message) {
            this(stepId, status, code, message, Fault.UPSTREAM);
        }

        private StepFailed(String stepId, int status, String code, String message, Fault fault) {
            super(message);
            this.stepId = stepId;
            this.status = status;
            this.code = code;
            this.fault = fault;
        }

        /** The pipeline's own fault: 422 with {@code code} ({@code step_failed}, {@code required_step_failed}). */
        public static StepFailed pipeline(String stepId, String code, String message) {
            return new StepFailed(stepId, 422, code, message, Fault.PIPELINE);
        }

        public Fault fault() {
            return fault;
        }

        public String stepId() {
            return stepId;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /**
     * The request ran on a version that was replaced, and it outlived the drain timeout (and Camel's
     * grace for stopping routes), so the version's routes went before it could finish: 503, and
     * worth retrying, since the new active version takes it.
     */
    public static final class VersionRetired extends InvocationException {
        public VersionRetired(String pipeline, int version) {
            super("version " + version + " of pipeline '" + pipeline + "' was retired before this request finished "
                    + "(it ran past the drain timeout); retry: the active version answers");
        }

        public int status() {
            return 503;
        }

        public String code() {
            return "version_retired";
        }
    }
}
