package dev.braid.server.usage;

import io.micronaut.http.HttpRequest;

/**
 * The API key a request was authenticated with, as the access filter leaves it: the request
 * attribute {@value #ATTRIBUTE} holding the key's id (a String). Absent until keys exist, and for
 * endpoints that need no key.
 */
public final class RequestKey {

    public static final String ATTRIBUTE = "braid.keyId";

    private RequestKey() {}

    /** The key's id, or null. */
    public static String idOf(HttpRequest<?> request) {
        if (request == null) {
            return null;
        }
        return request.getAttribute(ATTRIBUTE).map(Object::toString).orElse(null);
    }
}
