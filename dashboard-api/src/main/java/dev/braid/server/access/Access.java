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
        requireModel(key(request).orElse(null), model);
    }

    /**
     * The same scope check for a call made without an HTTP request (a batch line run under its
     * creator's key); a null key (authentication off) may call anything.
     */
    public static void requireModel(ApiKey key, String model) {
        if (key == null || model == null) {
            return;
        }
        if (model.startsWith("pipeline/")) {
            requirePipeline(key, model.substring("pipeline/".length()));
        } else if (!key.allowsModel(model)) {
            throw AccessDenied.forbidden("this key may not call model '" + model + "'");
        }
    }

    /** Throws 403 unless {@code key} (null: authentication off) may invoke {@code pipeline}. */
    public static void requirePipeline(ApiKey key, String pipeline) {
        if (key == null) {
            return;
        }
        if (!key.allowsPipeline(pipeline)) {
            throw AccessDenied.forbidden("this key may not invoke pipeline '" + pipeline + "'");
        }
    }
}
