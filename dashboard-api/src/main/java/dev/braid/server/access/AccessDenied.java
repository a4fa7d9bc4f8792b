package dev.braid.server.access;

import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ProblemException;

/** A request refused by the access layer with a problem decided here: 401 (no or bad key), 403 (role or scope), or the 400/404 of the key and provider admin endpoints. */
public final class AccessDenied extends ProblemException {

    public AccessDenied(ApiProblem problem) {
        super(problem);
    }

    static AccessDenied missing() {
        return new AccessDenied(ApiProblem.of(401, "missing_api_key",
                "an API key is required: send Authorization: Bearer <key>"));
    }

    static AccessDenied invalid() {
        return new AccessDenied(ApiProblem.of(401, "invalid_api_key", "the API key is unknown or revoked"));
    }

    public static AccessDenied forbidden(String message) {
        return new AccessDenied(ApiProblem.of(403, "forbidden", message));
    }
}
