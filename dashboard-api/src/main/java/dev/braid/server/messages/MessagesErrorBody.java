package dev.braid.server.messages;

/**
 * The error answer of the Messages door, as Anthropic sends it (the API description's schema; the body
 * itself is written by {@link MessagesErrors}).
 *
 * @param type always {@code error}
 * @param error Anthropic's error type ({@code invalid_request_error}, {@code authentication_error},
 *     {@code permission_error}, {@code not_found_error}, {@code rate_limit_error}, {@code api_error},
 *     {@code overloaded_error}) and message
 * @param request_id the request's id, as {@code X-Request-Id} carries it
 */
public record MessagesErrorBody(String type, Detail error, String request_id) {

    /** @param type Anthropic's error type; @param message what went wrong */
    public record Detail(String type, String message) {}
}
