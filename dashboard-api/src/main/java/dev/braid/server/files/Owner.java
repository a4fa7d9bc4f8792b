package dev.braid.server.files;

import dev.braid.server.access.Access;
import dev.braid.server.access.ApiKey;
import dev.braid.server.access.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import java.util.Objects;

/**
 * Who asks for files or batches: a key sees what it created; an admin key sees everything.
 *
 * @param keyId the caller's key id (null: no key)
 */
public record Owner(@Nullable String keyId, boolean admin) {

    public static Owner of(HttpRequest<?> request) {
        ApiKey key = Access.key(request).orElse(null);
        return key == null ? new Owner(null, false) : new Owner(key.id(), key.role() == Role.ADMIN);
    }

    /** Whether this caller may see something {@code ownerKey} created. */
    public boolean sees(@Nullable String ownerKey) {
        return admin || Objects.equals(keyId, ownerKey);
    }
}
