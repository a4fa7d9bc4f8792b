package dev.braid.engine.run;

import dev.braid.components.mask.MaskVault;
import dev.braid.components.mask.Masker;
import dev.braid.components.model.api.ModelDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.Exchange;

/**
 * Where the {@code stream:} step of one streaming invocation sends its deltas: stored on the
 * exchange ({@link #EXCHANGE_PROPERTY}; parallel branches share it, as they share every property
 * object), read by that step's binding. Text passes through a {@link MaskVault.StreamRestorer}
 * when the pipeline restores masked values, so a placeholder split across chunks still comes back
 * whole, and then through one {@link Masker.StreamMasker} per output mask of the pipeline, in
 * order (as {@code braid:finish} applies them to the final output), so a value split across chunks
 * is still masked. Calls come from one provider stream at a time, so their state needs no lock
 * beyond the one taken here against the final {@link #flush()} racing a late delta.
 */
public final class DeltaStream {

    public static final String EXCHANGE_PROPERTY = "BraidDeltaStream";

    private final String stepId;
    private final Consumer<StepDelta> sink;
    private final MaskVault.StreamRestorer restorer;
    private final List<Masker.StreamMasker> maskers;

    public DeltaStream(String stepId, Consumer<StepDelta> sink, MaskVault vault) {
        this(stepId, sink, vault, List.of(), null);
    }

    /**
     * @param restoring the vault whose placeholders are restored, or null
     * @param outputMaskers the pipeline's output maskers, applied in order with {@code outputVault}
     */
    public DeltaStream(String stepId, Consumer<StepDelta> sink, MaskVault restoring, List<Masker> outputMaskers,
            MaskVault outputVault) {
        this.stepId = stepId;
        this.sink = sink;
        this.restorer = restoring == null ? null : restoring.streamRestorer();
        List<Masker.StreamMasker> streams = new ArrayList<>(outputMaskers.size());
        for (Masker m : outputMaskers) {
            streams.add(m.streamMasker(outputVault));
        }
        this.maskers = List.copyOf(streams);
    }

    /** The stream of an exchange, or null when the invocation does not stream. */
    public static DeltaStream of(Exchange exchange) {
        return exchange.getProperty(EXCHANGE_PROPERTY, DeltaStream.class);
    }

    /** The id of the step whose deltas stream. */
    public String stepId() {
        return stepId;
    }

    /** Text deltas go to the caller; a finish releases text held back by the restorer. */
    public synchronized void accept(ModelDelta delta) {
        if (delta instanceof ModelDelta.Text t) {
            String text = restorer == null ? t.text() : restorer.accept(t.text());
            for (Masker.StreamMasker m : maskers) {
                text = m.accept(text);
            }
            emit(text);
        } else if (delta instanceof ModelDelta.Finish) {
            flush();
        }
        // tool call fragments are part of the step's output, not of the text stream
    }

    /** Emits whatever the restorer still holds; called at the stream's end. */
    public synchronized void flush() {
        String text = restorer == null ? "" : restorer.finish();
        for (Masker.StreamMasker m : maskers) {
            // what the masker before released last goes through this one, then whatever this one held
            text = m.accept(text) + m.finish();
        }
        emit(text);
    }

    private void emit(String text) {
        if (text != null && !text.isEmpty()) {
            sink.accept(new StepDelta(stepId, text));
        }
    }
}
