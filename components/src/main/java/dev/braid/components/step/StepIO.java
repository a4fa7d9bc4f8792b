package dev.braid.components.step;

import org.apache.camel.Exchange;

/**
 * How a component reads a step's input from an exchange and writes the step's result back.
 * Without a step binding, components read and write the message body.
 */
public interface StepIO<I, O> {

    I read(Exchange exchange);

    void write(Exchange exchange, O result);
}
