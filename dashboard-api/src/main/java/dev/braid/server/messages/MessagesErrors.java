package dev.braid.server.messages;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.RequestIds;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Every error answer under {@code /v1/messages} in Anthropic's shape and vocabulary ({@code
 * {"type":"error","error":{"type","message"},"request_id"}}, {@code invalid_request_error},
 * {@code authentication_error}, {@code permission_error}, {@code not_found_error},
 * {@code rate_limit_error}, {@code api_error}, {@code overloaded_error}), whoever produced it: the
 * door, the access filter, a limit, the paid-call service. One rewrite at the edge, so no path under
 * the door answers in OpenAI's shape.
 */
@ServerFilter({"/v1/messages", "/v1/messages/**"})
public final class MessagesErrors implements Ordered {

    private final ObjectMapper json;

    public MessagesErrors(ObjectMapper json) {
        this.json = json;
    }

    /** First in, so last out: it sees the answers of every other filter, early refusals included. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }

    @ResponseFilter
    public void rewrite(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.getStatus().getCode() < 400) {
            return;
        }
        Object body = response.getBody().orElse(null);
        if (body instanceof ErrorBody error) {
            String message = error.error() == null ? "error" : error.error().message();
            var anthropic = MessagesWire.error(json, MessagesWire.errorType(response.getStatus().getCode()), message);
            anthropic.put("request_id", RequestIds.of(request));
            @SuppressWarnings("unchecked")
            MutableHttpResponse<Object> writable = (MutableHttpResponse<Object>) response;
            writable.body(anthropic);
        }
    }
}
