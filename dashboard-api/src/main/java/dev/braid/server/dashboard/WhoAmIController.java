package dev.braid.server.dashboard;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Access", description = "Who the presented key is")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
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
