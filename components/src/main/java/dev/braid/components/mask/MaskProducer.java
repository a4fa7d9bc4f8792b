package dev.braid.components.mask;

import dev.braid.components.step.MessageBody;
import dev.braid.components.step.StepBindings;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * Masks or restores synchronously: masking is CPU work of microseconds (no I/O), so the calling
 * thread does it and nothing blocks.
 */
public class MaskProducer extends DefaultProducer {

    private final MaskEndpoint endpoint;

    public MaskProducer(MaskEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        switch (endpoint.getOperation()) {
            case MASK -> mask(exchange, false);
            case RESTORE -> restore(exchange);
            case OUTPUT -> mask(exchange, true);
        }
    }

    private void mask(Exchange exchange, boolean output) throws Exception {
        MaskVault vault = output ? MaskVault.of(exchange).outputVault() : MaskVault.of(exchange);
        int[] count = new int[1];
        if (endpoint.getStep() != null) {
            MaskStepBinding binding = StepBindings.find(exchange, endpoint.getStep(), MaskStepBinding.class);
            Masker masker = endpoint.getComponent().masker(binding.policy());
            if (masker.restore() && !output) {
                vault.requestRestore();
            }
            binding.write(exchange, masker.maskDeep(binding.read(exchange), vault, count));
        } else {
            Masker masker = endpoint.bodyMasker();
            if (masker.restore() && !output) {
                vault.requestRestore();
            }
            Message message = exchange.getMessage();
            message.setBody(masker.maskDeep(MessageBody.textual(message), vault, count));
        }
        exchange.getMessage().setHeader(MaskHeaders.MASKED_COUNT, count[0]);
    }

    private void restore(Exchange exchange) throws Exception {
        MaskVault vault = MaskVault.find(exchange).orElse(null);
        if (endpoint.getStep() != null) {
            MaskStepBinding binding = StepBindings.find(exchange, endpoint.getStep(), MaskStepBinding.class);
            Object value = binding.read(exchange);
            binding.write(exchange, vault == null ? value : vault.restoreDeep(value));
        } else if (vault != null) {
            Message message = exchange.getMessage();
            message.setBody(vault.restoreDeep(MessageBody.textual(message)));
        }
    }
}
