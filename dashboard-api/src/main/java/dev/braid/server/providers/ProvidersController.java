package dev.braid.server.providers;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.access.AccessDenied;
import dev.braid.server.access.AdminAccess;
import dev.braid.server.access.AdminAccess.Action;
import dev.braid.server.access.Actor;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code PUT /api/providers/{name}} and {@code GET /api/providers} (admin): base URLs and
 * credentials. A key is accepted only when BRAID_SECRET_KEY is set (it is stored encrypted) and is
 * never returned. Admin-set base URLs are trusted (no SSRF check: only an admin can set them).
 */
@Tag(name = "Providers", description = "Model providers and their stored credentials (admin key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/providers")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ProvidersController {

    /** One INFO line per provider credential change: who, which provider, the outcome; never the credential. */
    private static final org.slf4j.Logger CHANGES = org.slf4j.LoggerFactory.getLogger("dev.braid.server.changes");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final ProviderCredentials credentials;
    private final ConfiguredProviders configured;
    private final AdminAccess access;
    private final ObjectMapper json;

    public ProvidersController(ProviderCredentials credentials, ConfiguredProviders configured, AdminAccess access,
            ObjectMapper json) {
        this.credentials = credentials;
        this.configured = configured;
        this.access = access;
        this.json = json;
    }

    /** A provider as the API shows it. source: config (braid.providers / environment) or api. */
    @Introspected
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ProviderBody(String name, String type, String baseUrl, boolean hasApiKey, String source) {}

    @Introspected
    public record ProviderList(List<ProviderBody> data) {}

    @Get(uri = "/", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(HttpRequest<?> request) {
        access.authorize(request, Action.ADMINISTER);
        Map<String, ProviderBody> byName = new LinkedHashMap<>();
        for (ProviderSettings s : configured.settings()) {
            byName.put(s.name(), new ProviderBody(s.name(), s.type().configName(), s.baseUrl(), s.apiKey() != null, "config"));
        }
        for (ProviderCredentials.StoredProvider p : credentials.list()) {
            byName.put(p.name(), new ProviderBody(p.name(), p.type(), p.baseUrl(), p.hasApiKey(), "api"));
        }
        return HttpResponse.ok(new ProviderList(new ArrayList<>(byName.values())));
    }

    @Put(uri = "/{name}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> put(@PathVariable String name, @Body String body, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.ADMINISTER);
        if (!NAME.matcher(name).matches() || "mock".equals(name) || "local".equals(name)) {
            throw bad("invalid_request", "provider names are lower-case letters, digits, - and _ (not mock or local)", "name");
        }
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw bad("invalid_json", "the request body is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw bad("invalid_request", "the request body must be a JSON object", null);
        }
        ProviderType type;
        try {
            String t = text(root, "type");
            type = ProviderType.fromConfigName(t != null ? t : typeFor(name));
        } catch (IllegalArgumentException e) {
            throw bad("invalid_request", "'type' must be openai, azure-openai, anthropic, gemini or ollama", "type");
        }
        String baseUrl = text(root, "baseUrl");
        if (baseUrl != null) {
            try {
                URI uri = URI.create(baseUrl);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw bad("invalid_request", "'baseUrl' must be an http or https URL", "baseUrl");
            }
        }
        String apiKey = text(root, "apiKey");
        if (apiKey != null && (apiKey.isBlank() || apiKey.length() > 4096)) {
            throw bad("invalid_request", "'apiKey' must be a non-empty string", "apiKey");
        }
        if (apiKey != null && !credentials.canStoreSecrets()) {
            throw bad("secret_key_missing",
                    "set BRAID_SECRET_KEY on the server to store provider credentials (they are encrypted with it)", "apiKey");
        }
        ProviderCredentials.StoredProvider stored;
        try {
            stored = credentials.put(name, type, baseUrl, apiKey, actor);
            CHANGES.info("provider_set by={} provider={} type={} apiKey={} outcome=ok", actor.logName(), name,
                    type.configName(), apiKey != null ? "set" : "unchanged");
        } catch (IllegalArgumentException | IllegalStateException e) {
            CHANGES.info("provider_set by={} provider={} outcome=failed {}", actor.logName(), name,
                    e.getClass().getSimpleName());
            throw bad("invalid_request", "these provider settings are not usable", null);
        }
        return HttpResponse.ok(new ProviderBody(stored.name(), stored.type(), stored.baseUrl(), stored.hasApiKey(), "api"));
    }

    private String typeFor(String name) {
        for (ProviderSettings s : configured.settings()) {
            if (s.name().equals(name)) {
                return s.type().configName();
            }
        }
        try {
            return ProviderType.fromConfigName(name).configName();
        } catch (IllegalArgumentException e) {
            return "openai"; // the common case: an OpenAI-compatible server
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw bad("invalid_request", "'" + field + "' must be a string", field);
        }
        return n.asText();
    }

    private static AccessDenied bad(String code, String message, String param) {
        return new AccessDenied(ApiProblem.of(400, code, message, param));
    }
}
