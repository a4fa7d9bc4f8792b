package dev.braid.server.invoke;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.run.StepDelta;
import dev.braid.server.calls.EventCallStream;
import dev.braid.server.calls.Caller;
import dev.braid.server.calls.HttpCallers;
import dev.braid.server.calls.MeteredCalls;
import dev.braid.server.calls.Source;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.EventStream;
import dev.braid.server.releases.LiveReleases;
import dev.braid.server.releases.Route;
import dev.braid.server.releases.Shadows;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v1/pipelines/{name}/invoke}: checks the body's shape, runs the pipeline through
 * {@link MeteredCalls} and answers with its envelope (or its event stream). The stage the runtime
 * returns is handed to Micronaut as is, so no thread waits on a model.
 */
@Tag(name = "Invoke", description = "Run a deployed pipeline (invoker key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/v1/pipelines")
public final class InvokeController {

    private final MeteredCalls calls;
    private final HttpCallers callers;
    private final LiveReleases releases;
    private final Shadows shadows;
    private final ObjectMapper json;

    public InvokeController(MeteredCalls calls, HttpCallers callers, LiveReleases releases, Shadows shadows,
            ObjectMapper json) {
        this.calls = calls;
        this.releases = releases;
        this.shadows = shadows;
        this.callers = callers;
        this.json = json;
    }

    @ApiResponse(responseCode = "200", description = "The pipeline's output and its steps (the envelope), or with stream=true its delta and done events", content = {
                @Content(mediaType = "application/json", schema = @Schema(type = "object")),
                @Content(mediaType = "text/event-stream", schema = @Schema(type = "string"))
            })
    @Post(uri = "/{name}/invoke", consumes = MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public CompletionStage<MutableHttpResponse<?>> invoke(
            @PathVariable String name,
            @Nullable @QueryValue("version") Integer version,
            @Body InvokeRequest body,
            HttpRequest<?> request) {
        ApiProblem refused = check(body, version);
        if (refused != null) {
            return CompletableFuture.completedFuture(ErrorResponses.render(request, refused));
        }
        Integer pinned = body.version() != null ? body.version() : version;
        Caller caller = callers.of(request);
        // pinned calls bypass a running release; the others take the arm it decides
        Route route = releases.route(name, pinned, caller.keyId(), h -> request.getHeaders().get(h));
        InvokeResponse.ReleaseArm arm = route.released() ? new InvokeResponse.ReleaseArm(route.releaseId(), route.arm()) : null;
        Integer expected = releases.expectedVersion(name, route);
        if (Boolean.TRUE.equals(body.stream())) {
            EventStream events = new EventStream(request);
            if (expected != null) {
                events.header(LiveReleases.VERSION_HEADER, expected.toString());
            }
            shadows.invokeStreaming(route, caller, Source.INVOKE, name, body.input(), request.getContentLength(),
                    new InvokeEvents(events, request, arm));
            return events.response();
        }
        return shadows.invoke(route, caller, Source.INVOKE, name, body.input(), request.getContentLength())
                .<MutableHttpResponse<?>>thenApply(result -> HttpResponse.ok(InvokeResponse.of(result, arm))
                        .header(LiveReleases.VERSION_HEADER, Integer.toString(result.version())))
                .exceptionally(error -> {
                    MutableHttpResponse<?> failed = ErrorResponses.of(request, error);
                    if (expected != null && failed.status().getCode() != 404) {
                        failed.header(LiveReleases.VERSION_HEADER, expected.toString());
                    }
                    return failed;
                });
    }

    /**
     * {@code stream: true}: {@code event: delta} ({@code {"step","text"}}) for every text delta of
     * the pipeline's {@code stream:} step, then {@code event: done} with the envelope. A pipeline
     * without {@code stream:} answers with the single {@code done} event. A failure before the
     * first event is a plain HTTP error (its status says whose fault it is); after it, an
     * {@code event: error} with the OpenAI-shaped error object ends the stream.
     */
    private final class InvokeEvents extends EventCallStream<StepDelta, InvocationResult> {

        private final HttpRequest<?> request;
        private final InvokeResponse.ReleaseArm arm;

        InvokeEvents(EventStream events, HttpRequest<?> request, InvokeResponse.ReleaseArm arm) {
            super(events);
            this.request = request;
            this.arm = arm;
        }

        @Override
        public void delta(StepDelta delta) {
            if (events.isCancelled()) {
                // the model router aborts the provider call when its sink throws
                throw new CancellationException("the client closed the stream");
            }
            events.named("delta", write(new DeltaEvent(delta.stepId(), delta.text())));
        }

        @Override
        public void complete(InvocationResult result) {
            if (!events.isCancelled()) {
                events.named("done", write(InvokeResponse.of(result, arm)));
            }
            events.end(); // a client that left: nobody to tell, and not an error of ours
        }

        @Override
        public void fail(Throwable error) {
            if (!events.isCancelled() && !events.failBeforeOpen(error)) {
                ApiProblem problem = ErrorResponses.problem(request, error, 500);
                events.named("error", write(new ErrorBody(new ErrorBody.Detail(problem.type(),
                        problem.code(), problem.message(), problem.param(), problem.errors()))));
            }
            events.end();
        }
    }

    /** The data of an {@code event: delta}. */
    record DeltaEvent(String step, String text) {}

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event did not serialize", e);
        }
    }

    /** Refusals about the body's shape that need no pipeline; null when the body is fine. */
    static ApiProblem check(InvokeRequest body, Integer queryVersion) {
        if (body.input() == null) {
            return ApiProblem.of(400, "invalid_request", "the body must have an \"input\" object", "input");
        }
        if (!(body.input() instanceof Map<?, ?>)) {
            return ApiProblem.of(400, "invalid_request", "\"input\" must be a JSON object", "input");
        }
        if (body.version() != null && queryVersion != null && !body.version().equals(queryVersion)) {
            return ApiProblem.of(
                    400, "invalid_request", "the body and the query string pin different versions", "version");
        }
        Integer pinned = body.version() != null ? body.version() : queryVersion;
        if (pinned != null && pinned < 1) {
            return ApiProblem.of(400, "invalid_request", "\"version\" must be 1 or more", "version");
        }
        return null;
    }
}
