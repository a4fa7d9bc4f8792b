package dev.braid.engine.steps.parallel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * The aggregation strategy of every parallel step (registry bean {@code braidParallel}). Outputs
 * need no merging (branches write into the shared {@code PipelineContext}); what this does is keep a
 * failed branch from failing the multicast: it takes the branch's exception off the exchange and
 * remembers it by multicast index, and notes a timeout. {@code braid:join} then applies the step's
 * {@code onBranchError}, records the failed and timed-out branches, and rethrows if it must.
 */
public final class ParallelStrategy implements AggregationStrategy {

    /** {@code Map<Integer, Throwable>}: branch index → its exception. */
    static final String BRANCH_ERRORS = "BraidBranchErrors";

    static final String TIMED_OUT = "BraidBranchTimedOut";

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange == null ? newExchange : oldExchange;
        Exception failure = newExchange.getException();
        if (failure != null) {
            Integer index = newExchange.getProperty(ExchangePropertyKey.MULTICAST_INDEX, Integer.class);
            errors(result).put(index == null ? -1 : index, failure);
            newExchange.setException(null);
        }
        return result;
    }

    @Override
    public void timeout(Exchange exchange, int index, int total, long timeout) {
        if (exchange != null) {
            exchange.setProperty(TIMED_OUT, Boolean.TRUE);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Integer, Throwable> errors(Exchange result) {
        Map<Integer, Throwable> map = result.getProperty(BRANCH_ERRORS, Map.class);
        if (map == null) {
            map = new ConcurrentHashMap<>();
            result.setProperty(BRANCH_ERRORS, map);
        }
        return map;
    }
}
