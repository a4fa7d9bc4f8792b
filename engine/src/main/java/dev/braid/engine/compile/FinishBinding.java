package dev.braid.engine.compile;

import dev.braid.components.mask.Masker;
import java.util.List;

/**
 * The end of a version: the last top-level step's output becomes the pipeline's output, with masked
 * originals put back when a mask step asked for {@code restore}, and then masked again by every
 * output mask ({@code mask: {output: true}}), in pipeline order, with the request's output vault:
 * output masking always wins over restore. A streamed step's text passes the same restore and
 * output maskers, so the stream and the final output agree.
 */
public record FinishBinding(String lastStepId, boolean restore, List<Masker> outputMaskers) {

    public FinishBinding {
        outputMaskers = List.copyOf(outputMaskers);
    }

    public FinishBinding(String lastStepId, boolean restore) {
        this(lastStepId, restore, List.of());
    }
}
