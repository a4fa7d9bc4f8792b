package dev.braid.engine.spec;

import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads pipeline YAML into a {@link PipelineSpec}: parses it under hard limits, builds the records
 * and validates them in one walk. Every problem found is reported at once, sorted by position.
 * Thread-safe; one instance can serve every deploy.
 */
public final class PipelineReader {

    private final ReaderLimits limits;
    private final Set<String> allowedCamelSchemes;
    private final EnrichUrlCheck enrichUrls;

    /** Default limits; camel steps may only reach {@code log:} endpoints. */
    public PipelineReader() {
        this(ReaderLimits.DEFAULTS, Set.of("log"));
    }

    public PipelineReader(ReaderLimits limits, Set<String> allowedCamelSchemes) {
        this(limits, allowedCamelSchemes, EnrichUrlCheck.NONE);
    }

    /** @param enrichUrls judges enrich URLs whose scheme and host are literal (SSRF rules) */
    public PipelineReader(ReaderLimits limits, Set<String> allowedCamelSchemes, EnrichUrlCheck enrichUrls) {
        this.limits = limits;
        this.allowedCamelSchemes = Set.copyOf(allowedCamelSchemes);
        this.enrichUrls = java.util.Objects.requireNonNull(enrichUrls);
    }

    /**
     * Parses and validates a pipeline.
     *
     * @throws InvalidPipelineException with every error found, sorted by line and column
     */
    public PipelineSpec read(String yaml) {
        Node root = YamlTree.compose(yaml, limits);
        try {
            return new SpecBuilder(allowedCamelSchemes, enrichUrls).build(root);
        } catch (InvalidPipelineException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // A bug in a check must not reach the caller as a 500 with a stack trace.
            throw new InvalidPipelineException(
                    java.util.List.of(new ValidationError(1, 1, "", "the pipeline could not be read")));
        }
    }
}
