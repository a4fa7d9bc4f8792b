package dev.braid.server.openai;

import dev.braid.server.http.ApiProblem;

/** A request body that is JSON but not a valid OpenAI request: 400 {@code invalid_request} naming the field. */
final class RequestInvalid extends RuntimeException {

    private final String code;
    private final String param;

    RequestInvalid(String param, String message) {
        this("invalid_request", param, message);
    }

    RequestInvalid(String code, String param, String message) {
        super(message, null, false, false);
        this.code = code;
        this.param = param;
    }

    ApiProblem problem() {
        return ApiProblem.of(400, code, getMessage(), param);
    }
}
