package dev.braid.server.reload;

import dev.braid.server.access.Actor;
import dev.braid.server.access.AdminAccess;
import dev.braid.server.enrich.EnrichTargets;
import dev.braid.server.http.ErrorBody;
import io.micronaut.context.env.Environment;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the configuration of this instance and applies the enrich allowlist at once; every other
 * {@code braid.*} key that changed is listed under {@code needsRestart}. One instance per call: with
 * several, call each (or restart them one by one). Serialised: two reloads never interleave.
 */
@Tag(name = "Configuration", description = "Reload this instance's configuration (admin key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/config")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ConfigReloadController {

    static final String ALLOWLIST = "braid.enrich.allowed-hosts";
    private static final Logger CHANGES = LoggerFactory.getLogger("dev.braid.server.changes");

    private final Environment environment;
    private final EnrichTargets enrich;

    public ConfigReloadController(Environment environment, EnrichTargets enrich, AdminAccess access) {
        this.environment = environment;
        this.enrich = enrich;
        this.access = access;
    }

    private final AdminAccess access;

    /** What a reload did: the keys applied (with the allowlist now in force), the keys that need a restart. */
    @io.micronaut.core.annotation.Introspected
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record Reloaded(List<String> applied, List<String> enrichAllowedHosts, List<String> needsRestart) {}

    @Post(uri = "/reload", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public synchronized HttpResponse<Reloaded> reload(HttpRequest<?> request) {
        Actor actor = access.authorize(request, AdminAccess.Action.ADMINISTER);
        Map<String, Object> changed = environment.refreshAndDiff();
        List<String> before = enrich.allowedHosts();
        List<String> now = environment.getProperty(ALLOWLIST, Argument.listOf(String.class)).orElse(List.of());
        if (changed.containsKey(ALLOWLIST) && now.equals(before) && sameEntries(changed.get(ALLOWLIST), now)) {
            // Micronaut's resolver keeps answering a key the refresh removed: the diff says the key
            // changed, yet it still answers the list in force, so the key is gone: no allowlist
            now = List.of();
        }
        enrich.replace(now);
        List<String> applied = new ArrayList<>();
        if (!before.equals(enrich.allowedHosts())) {
            applied.add(ALLOWLIST);
        }
        TreeSet<String> restart = new TreeSet<>();
        for (String key : changed.keySet()) {
            if (key.startsWith("braid.") && !key.startsWith(ALLOWLIST)) {
                restart.add(key);
            }
        }
        CHANGES.info("config_reload by={} applied={} needsRestart={} outcome=ok", actor.logName(), applied,
                restart.size() > 20 ? restart.size() + " keys" : restart);
        return HttpResponse.ok(new Reloaded(applied, enrich.allowedHosts(), List.copyOf(restart)));
    }

    private static boolean sameEntries(Object previous, List<String> now) {
        if (previous instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList().equals(now);
        }
        return previous != null && List.of(String.valueOf(previous).split(",")).stream().map(String::trim).toList()
                .equals(now);
    }
}
