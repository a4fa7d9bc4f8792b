package dev.braid.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * Catches what no more specific handler does: Braid's domain exceptions (invocation, model,
 * guard, invalid pipeline) and anything unexpected (500, logged once). Micronaut picks the
 * handler for the closest exception type, so its own handlers for framework exceptions
 * still run, and their bodies pass through {@link BraidErrorResponseProcessor}.
 */
@Singleton
@Produces
public final class BraidExceptionHandler implements ExceptionHandler<Throwable, HttpResponse<ErrorBody>> {

    @Override
    public HttpResponse<ErrorBody> handle(HttpRequest request, Throwable exception) {
        return ErrorResponses.of(request, exception);
    }
}
