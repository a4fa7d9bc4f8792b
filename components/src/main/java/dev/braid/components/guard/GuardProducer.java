package dev.braid.components.guard;

import dev.braid.components.step.MessageBody;
import dev.braid.components.step.StepBindings;
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
            GuardStepBinding binding = StepBindings.find(exchange, endpoint.getStep(), GuardStepBinding.class);
            binding.write(exchange, guard.check(binding.policy(), binding.read(exchange)));
            return;
        }
        Message message = exchange.getMessage();
        GuardVerdict verdict = guard.check(endpoint.bodyPolicy(), MessageBody.textual(message));
        message.setHeader(GuardHeaders.FLAGGED, verdict.flagged());
        message.setHeader(GuardHeaders.SCORE, verdict.score());
        message.setHeader(GuardHeaders.RULES, verdict.rules());
    }
}
