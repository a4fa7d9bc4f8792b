package dev.braid.components.guard;

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
 * {@code guard:check}. Options (bound by reflection, unknown ones rejected): {@code step} names a
 * {@link GuardStepBinding} in the registry's {@code StepBindings}; without it,
 * {@code promptInjection} (off|flag|block), {@code maxInputTokens} and {@code maxInputChars}
 * apply to the body.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = GuardComponent.SCHEME, title = "Braid Guard",
        syntax = "guard:operation", producerOnly = true, category = {Category.SECURITY}, headersClass = GuardHeaders.class)
public class GuardEndpoint extends DefaultEndpoint {

    /** The one operation; declared for the endpoint's metadata (the component rejects any other path). */
    @UriPath(enums = "check")
    @Metadata(required = true, description = "check")
    private final String operation = "check";
    @UriParam(description = "The key of the step binding supplying policy, input and verdict output; excludes the other options")
    private String step;
    @UriParam(enums = "off,flag,block", defaultValue = "off",
            description = "What to do when the prompt-injection heuristic matches")
    private GuardAction promptInjection;
    @UriParam(description = "The most tokens (o200k_base) all checked strings may hold together")
    private Integer maxInputTokens;
    @UriParam(description = "The most characters (code points) all checked strings may hold together")
    private Integer maxInputChars;
    private GuardPolicy bodyPolicy;

    GuardEndpoint(String uri, GuardComponent component) {
        super(uri, component);
    }

    /** Validates the options together; called once at creation. */
    void configure() {
        if (step != null && step.isBlank()) {
            throw new IllegalArgumentException("guard: option step must not be empty");
        }
        if (step != null && (promptInjection != null || maxInputTokens != null || maxInputChars != null)) {
            throw new IllegalArgumentException("guard: option step carries its own policy; do not combine it with "
                    + "promptInjection, maxInputTokens or maxInputChars");
        }
        if ((maxInputTokens != null && maxInputTokens < 0) || (maxInputChars != null && maxInputChars < 0)) {
            throw new IllegalArgumentException("guard: limits must not be negative");
        }
        bodyPolicy = new GuardPolicy(promptInjection, maxInputTokens, maxInputChars);
    }

    @Override
    public GuardComponent getComponent() {
        return (GuardComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new GuardProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("guard: is a producer-only component");
    }

    GuardPolicy bodyPolicy() {
        return bodyPolicy;
    }

    public String getStep() {
        return step;
    }

    /** The step key whose {@link GuardStepBinding} supplies the policy, input and verdict output. */
    public void setStep(String step) {
        this.step = step;
    }

    public GuardAction getPromptInjection() {
        return promptInjection;
    }

    /** What to do when the prompt-injection heuristic matches: off (default), flag or block. */
    public void setPromptInjection(GuardAction promptInjection) {
        this.promptInjection = promptInjection;
    }

    public Integer getMaxInputTokens() {
        return maxInputTokens;
    }

    /** The most tokens ({@code o200k_base}) all checked strings may hold together. */
    public void setMaxInputTokens(Integer maxInputTokens) {
        this.maxInputTokens = maxInputTokens;
    }

    public Integer getMaxInputChars() {
        return maxInputChars;
    }

    /** The most characters (code points) all checked strings may hold together. */
    public void setMaxInputChars(Integer maxInputChars) {
        this.maxInputChars = maxInputChars;
    }
}
