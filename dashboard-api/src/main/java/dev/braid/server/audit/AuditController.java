package dev.braid.server.audit;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.access.ApiKey;
import dev.braid.server.access.KeyStore;
import dev.braid.server.access.AdminAccess;
import io.micronaut.http.HttpParameters;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/audit}: one trail of who changed what, over pipelines, keys and provider
 * credentials, newest first (DESIGN.md, "Audit"). Admin only: it names every key and its changes,
 * which {@code /api/keys} shows admins only; viewers keep each pipeline's history. JDBC, so it runs
 * on the blocking executor.
 */
@Tag(name = "Audit", description = "The audit trail (admin key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditController {

    private final AuditTrail trail;
    private final KeyStore keys;
    private final AdminAccess access;
    private final ObjectMapper json;

    public AuditController(AuditTrail trail, KeyStore keys, AdminAccess access, ObjectMapper json) {
        this.trail = trail;
        this.keys = keys;
        this.access = access;
        // null fields stay in the answer ("next": null, a deploy's "fromVersion": null): a fixed shape
        this.json = json.copy().setDefaultPropertyInclusion(
                JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS));
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> audit(HttpRequest<?> request) throws SQLException, JsonProcessingException {
        access.authorize(request, AdminAccess.Action.ADMINISTER);
        HttpParameters p = request.getParameters();
        AuditQuery query;
        try {
            query = AuditQuery.parse(p.getAll("type"), p.get("actor"), p.get("since"), p.get("until"),
                    p.get("limit"), p.get("before"));
        } catch (AuditQuery.BadParameter e) {
            return ErrorResponses.render(request, ApiProblem.of(400, "invalid_request", e.getMessage(), e.param()));
        }
        AuditTrail.Page page = trail.read(query);
        List<Map<String, Object>> events = new ArrayList<>(page.events().size());
        for (AuditTrail.Event e : page.events()) {
            events.add(body(e));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("events", events);
        answer.put("next", page.next() == null ? null : page.next().encode());
        return HttpResponse.ok(json.writeValueAsString(answer)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** An event as callers see it: the common fields, then its type's own; never a secret or a hash. */
    private Map<String, Object> body(AuditTrail.Event e) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", e.type());
        b.put("subject", e.subject());
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("id", e.actorId());
        actor.put("name", e.actorName());
        b.put("actor", actor);
        b.put("at", e.at().toString());
        if (e.source() == AuditQuery.Source.REGISTRY) {
            b.put("pipeline", e.subject());
            b.put("version", e.version());
            b.put("fromVersion", e.fromVersion());
            if (e.details() != null) {
                try {
                    // a release event's release id and weight; an automatic rollback's reason and both arms
                    Map<String, Object> d = json.readValue(e.details(), new TypeReference<LinkedHashMap<String, Object>>() {});
                    if (d != null) {
                        b.putAll(d);
                    }
                } catch (java.io.IOException ignored) {
                    // details are written by Braid; unreadable ones are left out rather than failing the page
                }
            }
        } else if (e.type().startsWith("key_")) {
            // the key's name and role from the in-memory snapshot (revoked keys stay in it)
            ApiKey key = keys.byId(e.subject()).orElse(null);
            b.put("keyName", key == null ? null : key.name());
            b.put("keyRole", key == null ? null : key.role().wire());
        } else if (e.type().startsWith("provider_")) {
            b.put("provider", e.subject());
        }
        return b;
    }
}
