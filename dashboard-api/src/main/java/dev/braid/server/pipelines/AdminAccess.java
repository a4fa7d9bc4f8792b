package dev.braid.server.pipelines;

import dev.braid.server.registry.Actor;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * The one place the admin API asks who is calling and whether they may. Every admin endpoint
 * calls {@link #authorize} first; API keys and roles (a later issue) slot in here: a viewer may
 * {@link Action#READ}, a deployer may also {@link Action#CHANGE}. Until then every caller is
 * {@link Actor#ANONYMOUS} and allowed.
 */
@Singleton
public class AdminAccess {

    /** What an admin request does. */
    public enum Action {
        /** list, get, versions, camel, diff, history, validate's read side */
        READ,
        /** deploy, validate, activate, rollback */
        CHANGE
    }

    /** Returns who is calling; will throw a 401/403 problem once keys exist. */
    public Actor authorize(HttpRequest<?> request, Action action) {
        return Actor.ANONYMOUS;
    }
}
