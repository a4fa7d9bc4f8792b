package dev.braid.server.http;

import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.Map;

/**
 * Puts the request id into the logging MDC ({@code requestId}) for everything Micronaut runs for
 * this request: the id travels in Micronaut's propagated context, which restores the MDC on
 * whatever thread continues the request, instead of a thread local set once on the event loop.
 * Nothing else goes into the MDC: no key, no user text.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class RequestLogContext {

    public static final String MDC_KEY = "requestId";

    @RequestFilter
    public void mdc(HttpRequest<?> request, MutablePropagatedContext context) {
        context.add(new MdcPropagationContext(Map.of(MDC_KEY, RequestIds.of(request))));
    }
}
