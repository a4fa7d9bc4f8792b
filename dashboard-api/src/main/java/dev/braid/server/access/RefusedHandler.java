package dev.braid.server.access;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Sends the answer {@link AccessFilter} refused a request with (401, 403, 429, 402, 503), as it built it. */
@Singleton
@Produces
final class RefusedHandler implements ExceptionHandler<AccessFilter.Refused, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, AccessFilter.Refused refused) {
        return refused.response();
    }
}
