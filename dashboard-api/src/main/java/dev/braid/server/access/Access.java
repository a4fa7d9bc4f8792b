package dev.braid.server.access;

import io.micronaut.http.HttpRequest;
import java.util.Optional;

/**
 * What {@link AccessFilter} learnt about a request, for the controllers: the caller's key and the
 * scope checks that need the body (a chat request's model).
 */
public final class Access {

    static final String ATTRIBUTE = "braid.key";
    /** Who calls when {@code braid.auth.enabled} is false (tests only). */
    static final ApiKey UNCHECKED = new ApiKey("anonymous", "anonymous", Role.ADMIN, "", "0".repeat(64),
            null, null, null, null, null, java.time.Instant.EPOCH, null);

    private Access() {}

    /** The key the filter accepted for this request, if any. */
    public static Optional<ApiKey> key(HttpRequest<?> request) {
        // untyped: getAttribute(name, type) builds a conversion context per call
        return request.getAttribute(ATTRIBUTE).orElse(null) instanceof ApiKey key ? Optional.of(key) : Optional.empty();
    }

    /** The caller as the audit trail names it. */
    public static Actor actor(HttpRequest<?> request) {
        return key(request).map(ApiKey::actor).orElse(Actor.ANONYMOUS);
    }

    /**
     * Throws 403 unless the caller's scopes allow {@code model} on the OpenAI-compatible API:
     * {@code pipeline/<name>} is checked against the key's pipelines, anything else against its models.
     */
    public static void requireModel(HttpRequest<?> request, String model) {
        Optional<ApiKey> key = key(request);
        if (key.isEmpty() || model == null) {
            return;
        }
        if (model.startsWith("pipeline/")) {
            requirePipeline(key.get(), model.substring("pipeline/".length()));
        } else if (!key.get().allowsModel(model)) {
            throw AccessDenied.forbidden("this key may not call model '" + model + "'");
        }
    }

    static void requirePipeline(ApiKey key, String pipeline) {
        if (!key.allowsPipeline(pipeline)) {
            throw AccessDenied.forbidden("this key may not invoke pipeline '" + pipeline + "'");
        }
    }
}
