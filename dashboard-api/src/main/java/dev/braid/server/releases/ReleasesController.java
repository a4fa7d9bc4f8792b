package dev.braid.server.releases;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.model.api.DurationText;
import dev.braid.server.access.AdminAccess;
import dev.braid.server.access.AdminAccess.Action;
import dev.braid.server.access.Actor;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.JsonBodies;
import dev.braid.server.http.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/pipelines/{name}/releases…} (DESIGN.md, "Releases"): start (deployer), list and the
 * running one (viewer), promote and abort (deployer). JDBC underneath: runs on the blocking executor.
 */
@Tag(name = "Releases", description = "Canary and shadow releases of a pipeline's version, with a guard that rolls back by itself")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400), no or unknown key (401), a role that may not (403), no such pipeline, version or running release (404), a release already running (409)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's fault: the database is unavailable (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/api/pipelines/{name}/releases")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReleasesController {

    private static final Set<String> FIELDS = Set.of("candidate", "steps", "stepEvery", "sticky", "shadow", "guard");
    private static final Set<String> GUARD_FIELDS = Set.of("window", "minRequests", "maxErrorRate",
            "maxErrorRateIncrease", "maxP99LatencyMs", "maxP99Ratio", "maxCostPerRequestRatio");
    private static final int MAX_BODY = 16 * 1024;
    private static final int MAX_STEPS = 20;

    private final Releases releases;
    private final AdminAccess access;
    private final ObjectMapper json;

    public ReleasesController(Releases releases, AdminAccess access, ObjectMapper json) {
        this.releases = releases;
        this.access = access;
        this.json = json;
    }

    @ApiResponse(responseCode = "201", description = "The release, running", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(uri = "/", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> start(@PathVariable String name, @Nullable @Body byte[] body, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.CHANGE);
        Releases.Plan plan;
        try {
            plan = plan(body);
        } catch (ProblemException e) {
            return ErrorResponses.render(request, e.problem());
        }
        Release r = releases.start(name, plan, actor);
        return HttpResponse.status(HttpStatus.CREATED).body(view(r));
    }

    @ApiResponse(responseCode = "200", description = "The pipeline's releases, newest first", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(uri = "/", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(@PathVariable String name, HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        List<ReleaseBody> out = new ArrayList<>();
        for (Release r : releases.list(name)) {
            out.add(view(r));
        }
        return HttpResponse.ok(new ReleaseList(out));
    }

    @ApiResponse(responseCode = "200", description = "The running release with both arms' figures", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(uri = "/current", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> current(@PathVariable String name, HttpRequest<?> request) {
        access.authorize(request, Action.READ);
        return HttpResponse.ok(view(releases.current(name)));
    }

    @ApiResponse(responseCode = "200", description = "The release, promoted: its candidate is the active version", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(uri = "/current/promote", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> promote(@PathVariable String name, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.CHANGE);
        return HttpResponse.ok(view(releases.promote(name, actor)));
    }

    @ApiResponse(responseCode = "200", description = "The release, aborted: all traffic on stable, the candidate rejected", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(uri = "/current/abort", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> abort(@PathVariable String name, HttpRequest<?> request) {
        Actor actor = access.authorize(request, Action.CHANGE);
        return HttpResponse.ok(view(releases.abort(name, actor)));
    }

    // ---- the release object -----------------------------------------------------------------

    /** {@code {"releases": […]}}, newest first; an empty list is still written. */
    record ReleaseList(@JsonInclude(JsonInclude.Include.ALWAYS) List<ReleaseBody> releases) {}

    /** The release object (DESIGN.md, "Releases"); {@code endedAt} and {@code reason} are null while it runs. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ReleaseBody(String id, String pipeline, int stable, int candidate, String state, int weight, int step,
            List<Integer> steps, String stepEvery, String sticky, int shadowPercent, Guard guard, String startedAt,
            String updatedAt, @Nullable String endedAt, @Nullable Object reason, Map<String, ArmFigures> arms,
            ShadowFigures shadow) {}

    private ReleaseBody view(Release r) {
        ReleaseFigures.Figures f = releases.figures(r);
        Map<String, ArmFigures> arms = new LinkedHashMap<>();
        arms.put("stable", f.stable());
        arms.put("candidate", f.candidate());
        return new ReleaseBody(r.id(), r.pipeline(), r.stable(), r.candidate(), r.state().wire(), r.weight(),
                r.stepIndex() + 1, r.steps(), Duration.ofMillis(r.stepEveryMs()).toString().substring(2).toLowerCase(),
                r.sticky().wire(), r.shadowPercent(), r.guard(), Instant.ofEpochMilli(r.startedAtMs()).toString(),
                Instant.ofEpochMilli(r.updatedAtMs()).toString(),
                r.endedAtMs() == null ? null : Instant.ofEpochMilli(r.endedAtMs()).toString(), readReason(r.reason()),
                arms, f.shadow());
    }

    private Object readReason(@Nullable String reason) {
        if (reason == null) {
            return null;
        }
        try {
            return json.readTree(reason);
        } catch (IOException e) {
            return reason;
        }
    }

    // ---- reading a start request ------------------------------------------------------------

    private Releases.Plan plan(@Nullable byte[] body) {
        if (body == null || body.length == 0) {
            throw bad("a JSON body is required: {\"candidate\": <version>, \"steps\": [5, 25, 50, 100], …}", null);
        }
        if (body.length > MAX_BODY) {
            throw new ProblemException(ApiProblem.of(413, "request_too_large",
                    "a release request may be at most " + MAX_BODY + " bytes"));
        }
        JsonNode root;
        try {
            root = json.readTree(JsonBodies.strictUtf8(body));
        } catch (CharacterCodingException e) {
            throw new ProblemException(ApiProblem.of(400, "invalid_encoding", "the request body is not UTF-8 text"));
        } catch (IOException e) {
            throw new ProblemException(ApiProblem.of(400, "invalid_json", "the request body is not valid JSON"));
        }
        if (root == null || !root.isObject()) {
            throw bad("the body must be a JSON object", null);
        }
        unknown(root, FIELDS, "");
        JsonNode c = root.get("candidate");
        if (c == null || !c.isIntegralNumber() || !c.canConvertToInt() || c.asInt() < 1) {
            throw bad("\"candidate\" must be a version number (1 or more)", "candidate");
        }
        List<Integer> steps = new ArrayList<>();
        JsonNode s = root.get("steps");
        if (s != null && !s.isNull()) {
            if (!s.isArray() || s.isEmpty() || s.size() > MAX_STEPS) {
                throw bad("\"steps\" must be a list of 1 to " + MAX_STEPS + " percentages, e.g. [5, 25, 50, 100]", "steps");
            }
            int last = 0;
            for (JsonNode step : s) {
                if (!step.isIntegralNumber() || !step.canConvertToInt() || step.asInt() < 1 || step.asInt() > 100
                        || step.asInt() <= last) {
                    throw bad("\"steps\" must be increasing whole percentages from 1 to 100", "steps");
                }
                last = step.asInt();
                steps.add(last);
            }
        }
        int shadow = 0;
        JsonNode sh = root.get("shadow");
        if (sh != null && !sh.isNull()) {
            if (!sh.isIntegralNumber() || !sh.canConvertToInt() || sh.asInt() < 0 || sh.asInt() > 100) {
                throw bad("\"shadow\" must be a whole percentage from 0 to 100", "shadow");
            }
            shadow = sh.asInt();
        }
        if (steps.isEmpty() && shadow == 0) {
            throw bad("give \"steps\" (a canary) or \"shadow\" (a percentage to run on the candidate as well)", "steps");
        }
        if (!steps.isEmpty() && shadow > 0) {
            throw bad("\"shadow\" is for a release without \"steps\"", "shadow");
        }
        long stepEvery = duration(root, "stepEvery", "10m", "stepEvery");
        Sticky sticky = new Sticky.Key();
        JsonNode st = root.get("sticky");
        if (st != null && !st.isNull()) {
            sticky = st.isTextual() ? Sticky.parse(st.asText()) : null;
            if (sticky == null) {
                throw bad("\"sticky\" must be \"key\", \"none\" or \"header:<Name>\"", "sticky");
            }
        }
        return new Releases.Plan(c.asInt(), steps, stepEvery, sticky, shadow, guard(root.get("guard")));
    }

    private Guard guard(@Nullable JsonNode g) {
        if (g == null || g.isNull()) {
            g = json.createObjectNode();
        }
        if (!g.isObject()) {
            throw bad("\"guard\" must be an object", "guard");
        }
        unknown(g, GUARD_FIELDS, "guard.");
        String window = g.hasNonNull("window") && g.get("window").isTextual() ? g.get("window").asText().trim()
                : Guard.DEFAULT_WINDOW;
        long windowMs = duration(g, "window", Guard.DEFAULT_WINDOW, "guard.window");
        if (windowMs < 1000 || windowMs > Duration.ofDays(1).toMillis()) {
            throw bad("\"guard.window\" must be from 1s to 24h", "guard.window");
        }
        int minRequests = Guard.DEFAULT_MIN_REQUESTS;
        JsonNode m = g.get("minRequests");
        if (m != null && !m.isNull()) {
            if (!m.isIntegralNumber() || !m.canConvertToInt() || m.asInt() < 1) {
                throw bad("\"guard.minRequests\" must be a whole number, 1 or more", "guard.minRequests");
            }
            minRequests = m.asInt();
        }
        return new Guard(window, windowMs, minRequests, limit(g, "maxErrorRate", 1), limit(g, "maxErrorRateIncrease", 1),
                limit(g, "maxP99LatencyMs", Double.MAX_VALUE), limit(g, "maxP99Ratio", Double.MAX_VALUE),
                limit(g, "maxCostPerRequestRatio", Double.MAX_VALUE));
    }

    private static @Nullable Double limit(JsonNode g, String field, double max) {
        JsonNode v = g.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0 || v.asDouble() > max) {
            throw bad("\"guard." + field + "\" must be a number from 0" + (max == 1 ? " to 1" : ""), "guard." + field);
        }
        return v.asDouble();
    }

    private static long duration(JsonNode node, String field, String fallback, String param) {
        JsonNode v = node.get(field);
        String text = v == null || v.isNull() ? fallback : v.isTextual() ? v.asText() : null;
        try {
            if (text == null) {
                throw new IllegalArgumentException();
            }
            long ms = DurationText.parse(text).toMillis();
            if (ms < 1) {
                throw new IllegalArgumentException();
            }
            return ms;
        } catch (IllegalArgumentException e) {
            throw bad("\"" + param + "\" must be a duration such as 30s, 10m or 1h", param);
        }
    }

    private static void unknown(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                String shown = f.length() > 40 ? f.substring(0, 40) + "…" : f;
                throw bad("unknown field \"" + prefix + shown + "\"", prefix + shown);
            }
        }
    }

    private static ProblemException bad(String message, @Nullable String param) {
        return new ProblemException(ApiProblem.of(400, "invalid_request", message, param));
    }
}
