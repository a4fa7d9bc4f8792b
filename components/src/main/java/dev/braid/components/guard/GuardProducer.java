package dev.braid.components.guard;

import dev.braid.components.step.StepBindings;
import java.util.Collection;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * Checks synchronously: the checks are CPU work bounded by the input limits, with no I/O.
 * A block throws {@link GuardBlockedException}, which Camel puts on the exchange.
 */
public class GuardProducer extends DefaultProducer {

    private final GuardEndpoint endpoint;

    public GuardProducer(GuardEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        InputGuard guard = endpoint.getComponent().guard();
        if (endpoint.getStep() != null) {
            GuardStepBinding binding = stepBindings(exchange).lookup(endpoint.getStep(), GuardStepBinding.class);
            binding.write(exchange, guard.check(binding.policy(), binding.read(exchange)));
            return;
        }
        Message message = exchange.getMessage();
        GuardVerdict verdict = guard.check(endpoint.bodyPolicy(), body(message));
        message.setHeader(GuardHeaders.FLAGGED, verdict.flagged());
        message.setHeader(GuardHeaders.SCORE, verdict.score());
        message.setHeader(GuardHeaders.RULES, verdict.rules());
    }

    /** The body as a String, Map or List; other payloads (bytes, streams) are read as text. */
    private static Object body(Message message) throws Exception {
        Object body = message.getBody();
        if (body == null || body instanceof String || body instanceof Map<?, ?> || body instanceof Collection<?>
                || body instanceof Number || body instanceof Boolean) {
            return body;
        }
        return message.getMandatoryBody(String.class);
    }

    private static StepBindings stepBindings(Exchange exchange) {
        StepBindings bindings =
                exchange.getContext().getRegistry().lookupByNameAndType(StepBindings.BEAN_NAME, StepBindings.class);
        if (bindings == null) {
            throw new IllegalStateException("no StepBindings bean named '" + StepBindings.BEAN_NAME + "' in the registry");
        }
        return bindings;
    }
}
