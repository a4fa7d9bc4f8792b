package dev.braid.server.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * Replaces Micronaut's error bodies ({@code JsonError} with {@code _links}) for every error the
 * framework answers itself: no route (404), wrong method (405), wrong media type (415), body
 * too large (413), unreadable body or parameters (400).
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public final class BraidErrorResponseProcessor implements ErrorResponseProcessor<ErrorBody> {

    @Override
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        ApiProblem problem = ErrorResponses.problem(
                context.getRequest(), context.getRootCause().orElse(null), response.code());
        MutableHttpResponse<ErrorBody> rendered = ErrorResponses.render(context.getRequest(), problem);
        // keep what the framework set on its response (Allow on 405, …) beside ours
        response.getHeaders().forEach((name, values) -> {
            if (!rendered.getHeaders().contains(name) && !"Content-Type".equalsIgnoreCase(name)
                    && !"Content-Length".equalsIgnoreCase(name)) {
                values.forEach(value -> rendered.header(name, value));
            }
        });
        return rendered;
    }
}
