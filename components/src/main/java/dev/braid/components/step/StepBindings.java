package dev.braid.components.step;

import org.apache.camel.Exchange;

/**
 * Where a component finds the step it serves. A route names its step by key only
 * ({@code model:chat?step=customer-feedback/3/reply}); the binding behind the key carries the
 * step's configuration and how to read its input from, and write its output to, the exchange.
 * Pipeline strings (prompts, patterns) therefore never travel inside a Camel URI or expression.
 *
 * <p>Bound in the Camel registry under {@link #BEAN_NAME} by whoever deploys steps (the engine).
 */
public interface StepBindings {

    String BEAN_NAME = "braidStepBindings";

    /**
     * The binding registered for {@code stepKey}.
     *
     * @throws IllegalArgumentException when no binding of that type exists for the key
     */
    <T> T lookup(String stepKey, Class<T> type);

    /**
     * The binding for {@code stepKey} from the {@link StepBindings} bean of the exchange's context.
     *
     * @throws IllegalStateException when no StepBindings bean is registered
     * @throws IllegalArgumentException when no binding of that type exists for the key
     */
    static <T> T find(Exchange exchange, String stepKey, Class<T> type) {
        StepBindings bindings =
                exchange.getContext().getRegistry().lookupByNameAndType(BEAN_NAME, StepBindings.class);
        if (bindings == null) {
            throw new IllegalStateException("no StepBindings bean named '" + BEAN_NAME + "' in the registry");
        }
        return bindings.lookup(stepKey, type);
    }
}
