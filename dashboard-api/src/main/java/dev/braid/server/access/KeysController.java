package dev.braid.server.access;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.access.AdminAccess.Action;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code POST/GET/DELETE /api/keys} (admin): the secret is in the creation answer only. */
@Tag(name = "Keys", description = "API keys, roles and limits (admin key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/keys")
@ExecuteOn(TaskExecutors.BLOCKING)
public class KeysController {

    private final KeyStore keys;
    private final AdminAccess access;
    private final ObjectMapper json;

    public KeysController(KeyStore keys, AdminAccess access, ObjectMapper json) {
        this.keys = keys;
        this.access = access;
        this.json = json;
    }

    /** A key as the API shows it; {@code key} (the secret) only when just created. */
    @Introspected
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyBody(String id, String key, String name, String role, String prefix, List<String> pipelines,
            List<String> models, Integer requestsPerMinute, Long tokensPerDay, BigDecimal usdPerMonth,
            Instant createdAt, Instant revokedAt) {

        static KeyBody of(ApiKey k, String secret) {
            return new KeyBody(k.id(), secret, k.name(), k.role().wire(), k.prefix(), k.pipelines(), k.models(),
                    k.requestsPerMinute(), k.tokensPerDay(), k.usdPerMonth(), k.createdAt(), k.revokedAt());
        }
    }

    @Introspected
    public record KeyList(List<KeyBody> data) {}

    @Post(uri = "/", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> create(@Body String body, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.ADMINISTER);
        KeyStore.KeySpec spec = read(body);
        KeyStore.Created created = keys.create(spec, actor);
        return HttpResponse.status(HttpStatus.CREATED).body(KeyBody.of(created.key(), created.secret()));
    }

    @Get(uri = "/", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(HttpRequest<?> request) {
        access.authorize(request, Action.ADMINISTER);
        return HttpResponse.ok(new KeyList(keys.list().stream().map(k -> KeyBody.of(k, null)).toList()));
    }

    @Delete(uri = "/{id}")
    public HttpResponse<?> revoke(@PathVariable String id, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.ADMINISTER);
        if (!keys.revoke(id, actor)) {
            throw new AccessDenied(ApiProblem.of(404, "key_not_found", "no key with id '" + shorten(id) + "'"));
        }
        return HttpResponse.noContent();
    }

    private KeyStore.KeySpec read(String body) {
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw invalid("invalid_json", "the request body is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw invalid("invalid_request", "the request body must be a JSON object", null);
        }
        String name = text(root, "name");
        if (name == null || name.isBlank() || name.length() > 200) {
            throw invalid("invalid_request", "'name' is required (1 to 200 characters)", "name");
        }
        Role role = Role.parse(text(root, "role"));
        if (role == null) {
            throw invalid("invalid_request", "'role' must be admin, deployer, invoker or viewer", "role");
        }
        return new KeyStore.KeySpec(name, role, list(root, "pipelines"), list(root, "models"),
                positiveInt(root, "requestsPerMinute"), positiveLong(root, "tokensPerDay"), usd(root, "usdPerMonth"));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid("invalid_request", "'" + field + "' must be a string", field);
        }
        return n.asText();
    }

    private static List<String> list(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw invalid("invalid_request", "'" + field + "' must be an array of strings", field);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > 200) {
                throw invalid("invalid_request", "'" + field + "' must be an array of non-empty strings", field);
            }
            out.add(item.asText());
        }
        return out;
    }

    private static Integer positiveInt(JsonNode root, String field) {
        Long n = positiveLong(root, field);
        if (n != null && n > Integer.MAX_VALUE) {
            throw invalid("invalid_request", "'" + field + "' is too large", field);
        }
        return n == null ? null : n.intValue();
    }

    private static Long positiveLong(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() <= 0) {
            throw invalid("invalid_request", "'" + field + "' must be a positive integer", field);
        }
        return n.asLong();
    }

    private static BigDecimal usd(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || n.decimalValue().signum() <= 0 || n.decimalValue().compareTo(BigDecimal.valueOf(1e12)) > 0) {
            throw invalid("invalid_request", "'" + field + "' must be a positive number", field);
        }
        return n.decimalValue();
    }

    private static AccessDenied invalid(String code, String message, String param) {
        return new AccessDenied(ApiProblem.of(400, code, message, param));
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
