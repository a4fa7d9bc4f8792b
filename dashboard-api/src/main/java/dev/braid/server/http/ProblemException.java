package dev.braid.server.http;

/**
 * A refusal whose answer is already decided ({@link #problem()}): {@link ErrorResponses} renders
 * it as it is. Lets a feature package (access) refuse with its own problem without this package
 * knowing it.
 */
public class ProblemException extends RuntimeException {

    private final transient ApiProblem problem;

    public ProblemException(ApiProblem problem) {
        super(problem.message(), null, false, false);
        this.problem = problem;
    }

    public ApiProblem problem() {
        return problem;
    }
}
