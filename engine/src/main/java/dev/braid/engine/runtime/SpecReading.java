package dev.braid.engine.runtime;

import dev.braid.engine.read.PipelineReader;
import dev.braid.engine.spec.InputSchema;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.ReaderLimits;
import dev.braid.engine.spec.ValidationError;
import dev.braid.engine.steps.StepKinds;
import java.util.List;
import java.util.function.Function;

/** The runtime's use of the spec package: reading pipeline YAML and checking input against its schema. */
final class SpecReading {

    private final PipelineReader reader;

    SpecReading(StepKinds kinds) {
        this.reader = new PipelineReader(ReaderLimits.DEFAULTS, kinds);
    }

    /** @throws InvalidPipelineException with every problem, positioned */
    PipelineSpec read(String yaml) {
        return reader.read(yaml);
    }

    /** The input check of a spec, compiled once: returns the problems of an input (empty: valid). */
    static Function<Object, List<String>> inputCheck(PipelineSpec spec) {
        if (spec.input() == null) {
            return input -> List.of();
        }
        InputSchema schema;
        try {
            schema = InputSchema.compile(spec.input());
        } catch (IllegalArgumentException e) {
            throw new InvalidPipelineException(List.of(new ValidationError(0, 0, "input", e.getMessage())));
        }
        return schema::problems;
    }
}
