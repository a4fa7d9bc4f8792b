package dev.braid.server.pipelines;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.braid.server.access.AdminAccess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.JsonBodies;
import dev.braid.server.access.AdminAccess.Action;
import dev.braid.server.access.Actor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;

/**
 * The admin API for pipelines (DESIGN.md, "HTTP API (v1)"): deploy, validate, list, versions,
 * Camel YAML, diff, activate, rollback, history. Every endpoint asks {@link AdminAccess} first.
 * The registry talks JDBC, so these run on the blocking executor, never on the event loop.
 */
@Tag(name = "Pipelines", description = "Validate, deploy, version, diff, activate and roll back pipelines (admin or deployer key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/pipelines")
@ExecuteOn(TaskExecutors.BLOCKING)
public class PipelinesController {

    static final String YAML = "application/yaml";
    private static final int MAX_MESSAGE = 2000;

    private final PipelineRegistry registry;
    private final AdminAccess access;
    private final ObjectMapper json;

    public PipelinesController(PipelineRegistry registry, AdminAccess access, ObjectMapper json) {
        this.registry = registry;
        this.access = access;
        this.json = json;
    }

    @Post(uri = "/", consumes = {YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN,
            MediaType.APPLICATION_OCTET_STREAM}, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> deploy(@Body byte[] body, @Nullable @QueryValue String message,
            @Nullable @QueryValue Boolean activate, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.CHANGE);
        if (message != null && message.length() > MAX_MESSAGE) {
            return problem(request, ApiProblem.of(400, "invalid_request",
                    "\"message\" is longer than " + MAX_MESSAGE + " characters", "message"));
        }
        if (tooLarge(body)) {
            return problem(request, pipelineTooLarge());
        }
        String yaml;
        try {
            yaml = text(body);
        } catch (CharacterCodingException e) {
            return problem(request, notUtf8());
        }
        Deployment d = registry.deploy(yaml, message, Boolean.TRUE.equals(activate), actor);
        return HttpResponse.status(d.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(AdminViews.DeployBody.of(d));
    }

    @Post(uri = "/validate", consumes = {YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN,
            MediaType.APPLICATION_OCTET_STREAM}, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> validate(@Body byte[] body, HttpRequest<?> request) {
        access.authorize(request, Action.CHANGE);
        if (tooLarge(body)) {
            return problem(request, pipelineTooLarge());
        }
        try {
            Validation v = registry.validate(text(body));
            return HttpResponse.ok(new AdminViews.ValidateBody(true, v.camelYaml(), v.warnings()));
        } catch (CharacterCodingException e) {
            return problem(request, notUtf8());
        }
    }

    @Get(uri = "/", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        return HttpResponse.ok(new AdminViews.PipelineList(
                registry.list().stream().map(AdminViews.PipelineBody::of).toList()));
    }

    @Get(uri = "/{name}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> get(@PathVariable String name, HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        return HttpResponse.ok(AdminViews.PipelineBody.of(registry.get(name)));
    }

    @Get(uri = "/{name}/versions", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> versions(@PathVariable String name, HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        return HttpResponse.ok(AdminViews.VersionList.of(registry.versionStates(name)));
    }

    /** JSON with the YAML inside, or the exact YAML deployed with {@code Accept: application/yaml}. */
    @Get(uri = "/{name}/versions/{version}", produces = {MediaType.APPLICATION_JSON, YAML})
    public HttpResponse<?> version(@PathVariable String name, @PathVariable int version, HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        PipelineRow pipeline = registry.pipeline(name);
        VersionRow v = registry.version(name, version);
        if (wantsYaml(request)) {
            return HttpResponse.ok(v.yaml()).contentType(YAML);
        }
        return HttpResponse.ok(AdminViews.VersionBody.of(v, pipeline.activeVersion(),
                        registry.state(name, version), true))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** The Camel YAML DSL this version compiled to when it was deployed: what runs. */
    @Get(uri = "/{name}/versions/{version}/camel", produces = {YAML, MediaType.APPLICATION_JSON})
    public HttpResponse<?> camel(@PathVariable String name, @PathVariable int version, HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        return HttpResponse.ok(registry.version(name, version).camelYaml()).contentType(YAML);
    }

    @Get(uri = "/{name}/diff", produces = {MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    public HttpResponse<?> diff(@PathVariable String name, @QueryValue int from, @QueryValue int to,
            HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        return HttpResponse.ok(registry.diff(name, from, to)).contentType(MediaType.TEXT_PLAIN_TYPE);
    }

    @Post(uri = "/{name}/versions/{version}/activate", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> activate(@PathVariable String name, @PathVariable int version, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.CHANGE);
        return HttpResponse.ok(AdminViews.ActivationBody.of(registry.activate(name, version, actor)));
    }

    /**
     * Activates the most recently active version that is not rejected, or with {@code {"to": v}}
     * activates v; the version left becomes rejected.
     */
    @Post(uri = "/{name}/rollback", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> rollback(@PathVariable String name, @Nullable @Body byte[] body, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.CHANGE);
        Integer to = null;
        if (body != null && body.length > 0) {
            try {
                JsonNode node = json.readTree(body);
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    if (!node.isObject()) {
                        return problem(request, ApiProblem.of(400, "invalid_request",
                                "the body must be a JSON object: {\"to\": <version>} or nothing"));
                    }
                    JsonNode t = node.get("to");
                    if (t != null && !t.isNull()) {
                        if (!t.isIntegralNumber() || t.asInt() < 1) {
                            return problem(request, ApiProblem.of(400, "invalid_request",
                                    "\"to\" must be a version number (1 or more)", "to"));
                        }
                        to = t.asInt();
                    }
                }
            } catch (IOException e) {
                return problem(request, ApiProblem.of(400, "invalid_json", "the request body is not valid JSON"));
            }
        }
        return HttpResponse.ok(AdminViews.ActivationBody.of(registry.rollback(name, to, actor)));
    }

    @Get(uri = "/{name}/history", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> history(@PathVariable String name, HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        return HttpResponse.ok(new AdminViews.EventList(
                registry.history(name).stream().map(AdminViews.EventBody::of).toList()));
    }

    private static boolean wantsYaml(HttpRequest<?> request) {
        String accept = request.getHeaders().get(HttpHeaders.ACCEPT);
        if (accept == null) {
            return false;
        }
        String a = accept.toLowerCase(java.util.Locale.ROOT);
        return (a.contains("yaml")) && !a.contains(MediaType.APPLICATION_JSON);
    }

    /** The body as UTF-8, refusing anything else (a pipeline's sha256 is over its exact UTF-8 text). */
    // the reader refuses larger pipelines anyway; a size problem is the sender's 413, not a 422 on line 1
    private static boolean tooLarge(byte[] body) {
        return body != null && body.length > dev.braid.engine.spec.ReaderLimits.DEFAULTS.maxBytes();
    }

    private static ApiProblem pipelineTooLarge() {
        return ApiProblem.of(413, "request_too_large",
                "a pipeline may be at most " + dev.braid.engine.spec.ReaderLimits.DEFAULTS.maxBytes() + " bytes");
    }

    private static String text(byte[] body) throws CharacterCodingException {
        return JsonBodies.strictUtf8(body == null ? new byte[0] : body);
    }

    private static ApiProblem notUtf8() {
        return ApiProblem.of(400, "invalid_encoding", "the request body is not UTF-8 text");
    }

    private static HttpResponse<?> problem(HttpRequest<?> request, ApiProblem problem) {
        return ErrorResponses.render(request, problem);
    }
}
