package dev.braid.engine.runtime;

import dev.braid.engine.spec.PipelineSpec;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One CamelContext holding every deployed pipeline version. Versions load beside each other
 * ({@code direct:braid.<name>.v<N>}); {@link #activate} swaps one atomic reference per pipeline;
 * in-flight exchanges finish on the version they started on; an old version's routes are removed
 * after it drains.
 */
public final class PipelineRuntime implements AutoCloseable {

    public PipelineRuntime(RuntimeSettings settings) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Reads, validates, compiles and loads {@code yaml} as {@code version}; not yet active. */
    public DeployedVersion deploy(String yaml, int version) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Compiles and loads an already-read spec as {@code version}; not yet active. */
    public DeployedVersion deploy(PipelineSpec spec, int version) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Makes a loaded version the active one; the previously active version drains and is removed. */
    public void activate(String name, int version) {
        throw new UnsupportedOperationException("not yet built");
    }

    public OptionalInt activeVersion(String name) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Names of pipelines with an active version. */
    public Set<String> pipelineNames() {
        throw new UnsupportedOperationException("not yet built");
    }

    /** Validates the pipeline YAML and returns the Camel YAML it compiles to, loading nothing. */
    public String compile(String yaml, int version) {
        throw new UnsupportedOperationException("not yet built");
    }

    /**
     * Runs a pipeline. Never blocks the calling thread on a model. Fails with an
     * {@link InvocationException}, a component exception ({@code ModelException},
     * {@code GuardBlockedException}) or, for bugs only, something else.
     */
    public CompletionStage<InvocationResult> invoke(String name, Object input, InvokeOptions options) {
        throw new UnsupportedOperationException("not yet built");
    }

    @Override
    public void close() {}
}
