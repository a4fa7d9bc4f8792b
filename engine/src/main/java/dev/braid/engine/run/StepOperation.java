package dev.braid.engine.run;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * A step binding that serves {@code braid:<operation>?step=<key>} endpoints of its step's route
 * ({@code braid:transform}, {@code braid:join}, {@code braid:enrich}, …). The {@code braid:}
 * component finds it by the step key and hands it the operation's name, so the component knows
 * no step kind.
 */
public interface StepOperation {

    /** Runs {@code operation} synchronously (CPU only) on the invocation's context. */
    void run(String operation, Exchange exchange, PipelineContext ctx) throws Exception;

    /**
     * Runs {@code operation} the way Camel's async processors do: returns true when it finished on
     * this thread (and called {@code callback.done(true)}), false when it will call
     * {@code callback.done(false)} later. The default runs {@link #run} synchronously; an operation
     * that waits on I/O (an HTTP call) overrides this.
     */
    default boolean runAsync(String operation, Exchange exchange, StepServices services, AsyncCallback callback) {
        try {
            run(operation, exchange, PipelineContext.of(exchange));
        } catch (Exception e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }
}
