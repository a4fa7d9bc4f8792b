package dev.braid.server.access;

import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * The one place the admin API asks who is calling and whether they may. Every admin endpoint
 * calls {@link #authorize} first. The key was authenticated by {@code AccessFilter}; here its role
 * must allow the action: a viewer may {@link Action#READ}, a deployer may also {@link Action#CHANGE},
 * only an admin may {@link Action#ADMINISTER}.
 */
@Singleton
public class AdminAccess {

    /** What an admin request does. */
    public enum Action {
        /** list, get, versions, camel, diff, history, validate's read side */
        READ,
        /** deploy, validate, activate, rollback */
        CHANGE,
        /** keys, provider credentials, the audit trail */
        ADMINISTER
    }

    /** Returns who is calling (for the audit trail), or throws 401/403 ({@link AccessDenied}). */
    public Actor authorize(HttpRequest<?> request, Action action) {
        ApiKey key = Access.key(request).orElseThrow(() -> new AccessDenied(dev.braid.server.http.ApiProblem.of(
                401, "missing_api_key", "an API key is required: send Authorization: Bearer <key>")));
        Role.Permission needed = switch (action) {
            case READ -> Role.Permission.READ;
            case CHANGE -> Role.Permission.CHANGE;
            case ADMINISTER -> Role.Permission.ADMINISTER;
        };
        if (!key.role().allows(needed)) {
            throw AccessDenied.forbidden("a " + key.role().wire() + " key may not do this");
        }
        return key.actor();
    }

    /** Whether the calling key may also {@code action} (a view that shows more to an admin); never throws. */
    public boolean allows(HttpRequest<?> request, Action action) {
        Role.Permission needed = switch (action) {
            case READ -> Role.Permission.READ;
            case CHANGE -> Role.Permission.CHANGE;
            case ADMINISTER -> Role.Permission.ADMINISTER;
        };
        return Access.key(request).map(k -> k.role().allows(needed)).orElse(false);
    }
}
