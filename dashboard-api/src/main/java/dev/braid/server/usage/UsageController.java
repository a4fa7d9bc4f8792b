package dev.braid.server.usage;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.access.AdminAccess;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/usage}: requests, errors, tokens, cost and latency percentiles, filtered and
 * grouped (DESIGN.md, "Usage"). Read access as for the rest of {@code /api}. JDBC, so it runs on
 * the blocking executor.
 */
@Tag(name = "Usage", description = "Token, cost and latency usage (admin key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/usage")
@ExecuteOn(TaskExecutors.BLOCKING)
public class UsageController {

    private final UsageStore store;
    private final AdminAccess access;
    private final dev.braid.server.access.KeyStore keys;
    private final ObjectMapper json;

    public UsageController(UsageStore store, AdminAccess access, dev.braid.server.access.KeyStore keys,
            ObjectMapper json) {
        this.store = store;
        this.access = access;
        this.keys = keys;
        // every key on every row, null or empty included: the dashboard reads a fixed shape
        this.json = json.copy().setDefaultPropertyInclusion(
                JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS));
    }

    /** The answer: the window actually used, the grouping, the level counted, the rows. */
    public record UsageReport(String from, String to, List<String> groupBy, String level, List<Map<String, Object>> rows) {}

    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> usage(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
            @Nullable @QueryValue String pipeline, @Nullable @QueryValue String key,
            @Nullable @QueryValue String model, @Nullable @QueryValue String groupBy,
            HttpRequest<?> request) throws SQLException, JsonProcessingException {
        access.authorize(request, AdminAccess.Action.READ);
        UsageQuery query;
        try {
            query = UsageQuery.parse(from, to, pipeline, key, model, groupBy, Instant.now());
        } catch (IllegalArgumentException e) {
            String param = e.getMessage().contains("groupBy") || e.getMessage().contains("group by") ? "groupBy"
                    : e.getMessage().contains("\"to\"") ? "to" : "from";
            return ErrorResponses.render(request, ApiProblem.of(400, "invalid_request", e.getMessage(), param));
        }
        UsageReport report = new UsageReport(query.from().toString(), query.to().toString(),
                query.groupBy().stream().map(UsageQuery.Dimension::wireName).toList(),
                query.level().column(), named(store.rows(query)));
        return HttpResponse.ok(json.writeValueAsString(report)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * Rows grouped by key also carry {@code keyName}, right after {@code key}: people know keys by
     * name (revoked keys keep theirs); null when no key made the calls or the id is unknown here.
     */
    private List<Map<String, Object>> named(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new java.util.ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            if (!row.containsKey("key")) {
                out.add(row);
                continue;
            }
            Map<String, Object> withName = new java.util.LinkedHashMap<>();
            row.forEach((k, v) -> {
                withName.put(k, v);
                if ("key".equals(k)) {
                    withName.put("keyName", v == null ? null
                            : keys.byId(v.toString()).map(dev.braid.server.access.ApiKey::name).orElse(null));
                }
            });
            out.add(withName);
        }
        return out;
    }
}
