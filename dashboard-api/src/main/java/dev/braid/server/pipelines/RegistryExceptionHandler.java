package dev.braid.server.pipelines;

import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Unknown pipeline or version (404) and conflicting states (409), in the one error shape. */
@Singleton
@Produces
public final class RegistryExceptionHandler implements ExceptionHandler<RegistryException, HttpResponse<ErrorBody>> {

    @Override
    public HttpResponse<ErrorBody> handle(HttpRequest request, RegistryException e) {
        return ErrorResponses.render(request, ApiProblem.of(e.status(), e.code(), e.getMessage()));
    }
}
