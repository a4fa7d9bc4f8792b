package dev.braid.components.mask;

import java.util.Arrays;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code mask:mask}, {@code mask:restore} or {@code mask:output}. Options (bound by reflection, unknown ones rejected):
 * {@code step} names a {@link MaskStepBinding} in the registry's {@code StepBindings}; without it,
 * {@code entities} (comma list, empty = every built-in) and {@code restore} apply to the body.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = MaskComponent.SCHEME, title = "Braid Mask",
        syntax = "mask:operation", producerOnly = true, category = {Category.SECURITY}, headersClass = MaskHeaders.class)
public class MaskEndpoint extends DefaultEndpoint {

    @UriPath(enums = "mask,restore,output")
    @Metadata(required = true, description = "mask, restore or output")
    private final MaskOperation operation;
    @UriParam(description = "The key of the step binding supplying policy, input and output; excludes the other options")
    private String step;
    @UriParam(description = "Comma-separated entity names to mask in the body (no step); empty means every built-in")
    private String entities;
    @UriParam(defaultValue = "false", description = "Whether the originals are put back into the final output")
    private boolean restore;
    private Masker bodyMasker;

    MaskEndpoint(String uri, MaskComponent component, MaskOperation operation) {
        super(uri, component);
        this.operation = operation;
    }

    /** Validates the options together and compiles the body masker; called once at creation. */
    void configure() {
        if (step != null && step.isBlank()) {
            throw new IllegalArgumentException("mask: option step must not be empty");
        }
        if (step != null && (entities != null || restore)) {
            throw new IllegalArgumentException(
                    "mask: option step carries its own policy; do not combine it with entities or restore");
        }
        if (operation == MaskOperation.RESTORE && (entities != null || restore)) {
            throw new IllegalArgumentException("mask:restore takes no entities or restore option");
        }
        if (operation == MaskOperation.OUTPUT && restore) {
            throw new IllegalArgumentException("mask:output never restores; its placeholders stay in the output");
        }
        if (operation != MaskOperation.RESTORE && step == null) {
            bodyMasker = getComponent().masker(new MaskPolicy(entityList(), null, restore));
        }
    }

    private List<String> entityList() {
        if (entities == null || entities.isBlank()) {
            return List.of();
        }
        return Arrays.stream(entities.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public MaskComponent getComponent() {
        return (MaskComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new MaskProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("mask: is a producer-only component");
    }

    public MaskOperation getOperation() {
        return operation;
    }

    public String getStep() {
        return step;
    }

    /** The step key whose {@link MaskStepBinding} supplies the policy, input and output. */
    public void setStep(String step) {
        this.step = step;
    }

    public String getEntities() {
        return entities;
    }

    /** Comma-separated entity names to mask in the body (no step); empty means every built-in. */
    public void setEntities(String entities) {
        this.entities = entities;
    }

    public boolean isRestore() {
        return restore;
    }

    /** Whether the originals should be put back into the final output (recorded on the vault). */
    public void setRestore(boolean restore) {
        this.restore = restore;
    }

    Masker bodyMasker() {
        return bodyMasker;
    }
}
