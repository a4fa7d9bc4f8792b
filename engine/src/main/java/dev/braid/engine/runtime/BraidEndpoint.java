package dev.braid.engine.runtime;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** {@code braid:<operation>?step=<key>}; producer only. */
public final class BraidEndpoint extends DefaultEndpoint {

    private final String operation;
    private String step;

    BraidEndpoint(String uri, BraidComponent component, String operation) {
        super(uri, component);
        this.operation = operation;
    }

    @Override
    public Producer createProducer() {
        return new BraidProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("braid: endpoints are producers only");
    }

    @Override
    public BraidComponent getComponent() {
        return (BraidComponent) super.getComponent();
    }

    /** The operation the URI path names ({@code braid:join} → {@code join}). */
    String operation() {
        return operation;
    }

    public String getStep() {
        return step;
    }

    /** The step key, {@code <name>/<N>/<stepId>} (or {@code <name>/<N>} for finish). */
    public void setStep(String step) {
        this.step = step;
    }
}
