package dev.braid.engine.read;

import dev.braid.engine.spec.EnrichUrlCheck;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.ReaderLimits;
import dev.braid.engine.spec.ValidationError;
import dev.braid.engine.spec.YamlTree;
import dev.braid.engine.steps.StepKinds;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads pipeline YAML into a {@link PipelineSpec}: parses it under hard limits, builds the records
 * and validates them in one walk. Every problem found is reported at once, sorted by position.
 * Thread-safe; one instance can serve every deploy.
 */
public final class PipelineReader {

    private final ReaderLimits limits;
    private final StepKinds kinds;

    /** Default limits; camel steps may only reach {@code log:} endpoints. */
    public PipelineReader() {
        this(ReaderLimits.DEFAULTS, Set.of("log"));
    }

    public PipelineReader(ReaderLimits limits, Set<String> allowedCamelSchemes) {
        this(limits, allowedCamelSchemes, EnrichUrlCheck.NONE);
    }

    /** @param enrichUrls judges enrich URLs whose scheme and host are literal (SSRF rules) */
    public PipelineReader(ReaderLimits limits, Set<String> allowedCamelSchemes, EnrichUrlCheck enrichUrls) {
        this(limits, StepKinds.of(allowedCamelSchemes, java.util.Objects.requireNonNull(enrichUrls)));
    }

    /** With the step kinds (and their settings) a runtime already built. */
    public PipelineReader(ReaderLimits limits, StepKinds kinds) {
        this.limits = limits;
        this.kinds = java.util.Objects.requireNonNull(kinds);
    }

    /**
     * Parses and validates a pipeline.
     *
     * @throws InvalidPipelineException with every error found, sorted by line and column
     */
    public PipelineSpec read(String yaml) {
        Node root = YamlTree.compose(yaml, limits);
        try {
            return new SpecBuilder(kinds).build(root);
        } catch (InvalidPipelineException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // A bug in a check must not reach the caller as a 500 with a stack trace.
            throw new InvalidPipelineException(
                    java.util.List.of(new ValidationError(1, 1, "", "the pipeline could not be read")));
        }
    }
}
