package dev.braid.server.requestlog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.access.AdminAccess;
import dev.braid.server.access.ApiKey;
import dev.braid.server.access.KeyStore;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.usage.UsageQuery;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@code GET /api/requests}: the request log, newest first, one entry per request through any door.
 * Metadata always, from the request's usage row; the prompt and answer text only when
 * {@code braid.request-log.text} is on, and only to an admin key (a viewer sees that text exists).
 * JDBC, so it runs on the blocking executor.
 */
@Tag(name = "Requests", description = "The request log (viewer key; prompt and answer text: admin key, when enabled)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/requests")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RequestLogController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final Set<String> STATUSES = Set.of("ok", "failed", "timeout", "error", "cancelled");

    private final DataSource dataSource;
    private final AdminAccess access;
    private final KeyStore keys;
    private final RequestTexts texts;
    private final ObjectMapper json;

    public RequestLogController(DataSource dataSource, AdminAccess access, KeyStore keys, RequestTexts texts,
            ObjectMapper json) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.access = access;
        this.keys = keys;
        this.texts = texts;
        // a fixed shape: null fields stay in the answer
        this.json = json.copy().setDefaultPropertyInclusion(
                JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS));
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> requests(
            @Parameter(description = "Only this pipeline's requests") @Nullable @QueryValue String pipeline,
            @Parameter(description = "Only this key's requests: its id or its name") @Nullable @QueryValue String key,
            @Parameter(description = "Only requests with this status: ok, failed, timeout, error, cancelled") @Nullable @QueryValue String status,
            @Parameter(description = "Requests at or after this time (ISO-8601)") @Nullable @QueryValue String since,
            @Parameter(description = "Requests before this time (ISO-8601)") @Nullable @QueryValue String until,
            @Parameter(description = "At most this many (1 to 500, default 50)", schema = @Schema(type = "integer", minimum = "1", maximum = "500")) @Nullable @QueryValue String limit,
            @Parameter(description = "The previous answer's next cursor") @Nullable @QueryValue String before,
            HttpRequest<?> request) throws SQLException, JsonProcessingException {
        access.authorize(request, AdminAccess.Action.READ);
        boolean admin = access.allows(request, AdminAccess.Action.ADMINISTER);
        for (String[] p : new String[][] {{"pipeline", pipeline}, {"key", key}, {"status", status}, {"since", since},
                {"until", until}, {"limit", limit}, {"before", before}}) {
            if (p[1] != null && (p[1].indexOf('\u0000') >= 0 || p[1].length() > 200)) {
                return ErrorResponses.render(request, ApiProblem.of(400, "invalid_request",
                        "\"" + p[0] + "\" must be at most 200 characters, without NUL", p[0]));
            }
        }
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT id, occurred_at_ms, request_id, key_id, source, pipeline, version,"
                + " provider, model, status, error_type, latency_ms, first_token_ms, prompt_tokens, completion_tokens,"
                + " total_tokens, cost_usd, cached FROM usage_records WHERE kind = 'request'");
        try {
            if (!blank(pipeline)) {
                sql.append(" AND pipeline = ?");
                args.add(pipeline.trim());
            }
            if (!blank(key)) {
                String id = keys.list().stream().filter(k -> k.name().equals(key.trim())).map(ApiKey::id)
                        .findFirst().orElse(key.trim());
                sql.append(" AND key_id = ?");
                args.add(id);
            }
            if (!blank(status)) {
                if (!STATUSES.contains(status.trim())) {
                    throw new BadParameter("status", "\"status\" must be one of ok, failed, timeout, error, cancelled");
                }
                sql.append(" AND status = ?");
                args.add(status.trim());
            }
            if (!blank(since)) {
                sql.append(" AND occurred_at_ms >= ?");
                args.add(time(since, false, "since").toEpochMilli());
            }
            if (!blank(until)) {
                sql.append(" AND occurred_at_ms < ?");
                args.add(time(until, true, "until").toEpochMilli());
            }
            if (!blank(before)) {
                long[] cursor = decode(before);
                sql.append(" AND (occurred_at_ms < ? OR (occurred_at_ms = ? AND id < ?))");
                args.add(cursor[0]);
                args.add(cursor[0]);
                args.add(cursor[1]);
            }
        } catch (BadParameter e) {
            return ErrorResponses.render(request, ApiProblem.of(400, "invalid_request", e.getMessage(), e.param));
        }
        int n = DEFAULT_LIMIT;
        if (!blank(limit)) {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                return ErrorResponses.render(request, ApiProblem.of(400, "invalid_request",
                        "\"limit\" must be a whole number from 1 to " + MAX_LIMIT, "limit"));
            }
        }
        sql.append(" ORDER BY occurred_at_ms DESC, id DESC LIMIT ?");
        args.add(n + 1);

        List<Map<String, Object>> rows = new ArrayList<>();
        List<long[]> positions = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        positions.add(new long[] {rs.getLong("occurred_at_ms"), rs.getLong("id")});
                        rows.add(row(rs));
                    }
                }
            }
            String next = null;
            if (rows.size() > n) {
                rows = rows.subList(0, n);
                long[] last = positions.get(n - 1);
                next = encode(last[0], last[1]);
            }
            if (texts.enabled()) {
                attachTexts(c, rows, admin);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("textLogging", texts.enabled());
            answer.put("textVisible", texts.enabled() && admin);
            answer.put("requests", rows);
            answer.put("next", next);
            return HttpResponse.ok(json.writeValueAsString(answer)).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
    }

    private Map<String, Object> row(ResultSet rs) throws SQLException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("at", Instant.ofEpochMilli(rs.getLong("occurred_at_ms")).toString());
        r.put("requestId", rs.getString("request_id"));
        String keyId = rs.getString("key_id");
        Map<String, Object> key = null;
        if (keyId != null) {
            key = new LinkedHashMap<>();
            key.put("id", keyId);
            key.put("name", keys.byId(keyId).map(ApiKey::name).orElse(null));
        }
        r.put("key", key);
        r.put("source", rs.getString("source"));
        r.put("pipeline", rs.getString("pipeline"));
        int version = rs.getInt("version");
        r.put("version", rs.wasNull() ? null : version);
        r.put("model", rs.getString("model"));
        r.put("status", rs.getString("status"));
        r.put("errorType", rs.getString("error_type"));
        r.put("latencyMs", rs.getLong("latency_ms"));
        long first = rs.getLong("first_token_ms");
        r.put("firstTokenMs", rs.wasNull() ? null : first);
        r.put("promptTokens", rs.getLong("prompt_tokens"));
        r.put("completionTokens", rs.getLong("completion_tokens"));
        r.put("totalTokens", rs.getLong("total_tokens"));
        r.put("costUsd", rs.getDouble("cost_usd"));
        r.put("cached", rs.getBoolean("cached"));
        r.put("hasText", false);
        r.put("prompt", null);
        r.put("answer", null);
        r.put("textTruncated", false);
        return r;
    }

    /** The page's texts by request id (the newest text of a request id sent twice). */
    private void attachTexts(Connection c, List<Map<String, Object>> rows, boolean admin) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> ids = rows.stream().map(r -> (String) r.get("requestId")).distinct().toList();
        Map<String, Object[]> byId = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT request_id, prompt, answer, truncated FROM request_texts"
                + " WHERE request_id IN (" + "?, ".repeat(ids.size() - 1) + "?) ORDER BY id")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byId.put(rs.getString(1), new Object[] {rs.getString(2), rs.getString(3), rs.getBoolean(4)});
                }
            }
        }
        for (Map<String, Object> r : rows) {
            Object[] t = byId.get((String) r.get("requestId"));
            if (t == null) {
                continue;
            }
            r.put("hasText", true);
            if (admin) {
                r.put("prompt", t[0]);
                r.put("answer", t[1]);
                r.put("textTruncated", t[2]);
            }
        }
    }

    /** A parameter the caller got wrong: 400 {@code invalid_request} naming it. */
    private static final class BadParameter extends RuntimeException {
        final String param;

        BadParameter(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }
    }

    private static Instant time(String value, boolean end, String param) {
        try {
            return UsageQuery.instant(value.trim(), end, param);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(param, e.getMessage());
        }
    }

    static String encode(long atMs, long id) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((atMs + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static long[] decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8);
            String[] parts = plain.split("\\|", -1);
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new BadParameter("before", "\"before\" is not a cursor from a previous answer's \"next\"");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
