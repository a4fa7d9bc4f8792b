package dev.braid.server.access;

import io.micronaut.http.HttpRequest;

/**
 * The id of the API key a request was authenticated with: the access filter's {@link ApiKey}
 * ({@link Access#key}), or else a plain id in the request attribute {@value #ATTRIBUTE}. Absent
 * with auth off, and for endpoints that need no key.
 */
public final class RequestKey {

    public static final String ATTRIBUTE = "braid.keyId";

    private RequestKey() {}

    /** The key's id, or null. */
    public static String idOf(HttpRequest<?> request) {
        if (request == null) {
            return null;
        }
        return Access.key(request).map(ApiKey::id)
                .or(() -> request.getAttribute(ATTRIBUTE).map(Object::toString))
                .orElse(null);
    }
}
