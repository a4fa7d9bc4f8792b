package dev.braid.server.dashboard;

import dev.braid.server.access.Access;
import dev.braid.server.access.ApiKey;
import dev.braid.server.access.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /api/whoami}: the calling key's id, name and role, so the dashboard shows only the
 * buttons the key may use (the API still decides: a hidden button is a convenience, not a check).
 * Any key with read access may ask; the access filter answers 401 without a valid key.
 */
@Controller("/api/whoami")
public class WhoAmIController {

    /** What a key may see about itself: never its secret or hash. */
    public record WhoAmI(@Nullable String id, @Nullable String name, @Nullable String role, boolean canChange) {}

    @Get(produces = MediaType.APPLICATION_JSON)
    public WhoAmI whoami(HttpRequest<?> request) {
        return Access.key(request)
                .map(WhoAmIController::of)
                .orElse(new WhoAmI(null, null, null, false));
    }

    private static WhoAmI of(ApiKey key) {
        return new WhoAmI(key.id(), key.name(), key.role().wire(), key.role().allows(Role.Permission.CHANGE));
    }
}
