package dev.braid.server.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.access.Access;
import dev.braid.server.access.ApiKey;
import dev.braid.server.calls.Caller;
import dev.braid.server.calls.Source;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ProblemException;
import dev.braid.server.releases.LiveReleases;
import dev.braid.server.releases.Route;
import dev.braid.server.releases.Shadows;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A pipeline run answered at once from a parsed body and a {@link Caller} without an HTTP request:
 * what a batch line on {@code /v1/pipelines/{name}/invoke} runs. The body's checks and the
 * envelope are the controller's own; {@code stream} is ignored (no one to stream to).
 */
@Singleton
public class PipelineCalls {

    private final ObjectMapper json;
    private final LiveReleases releases;
    private final Shadows shadows;

    public PipelineCalls(ObjectMapper json, LiveReleases releases, Shadows shadows) {
        this.json = json;
        this.releases = releases;
        this.shadows = shadows;
    }

    /** The envelope as JSON, or a stage failed with the live call's problem. */
    public CompletionStage<JsonNode> invoke(Caller caller, Source source, ApiKey key, String pipeline, JsonNode body,
            long bytes) {
        try {
            if (body == null || !body.isObject()) {
                throw new ProblemException(ApiProblem.of(400, "invalid_request", "the request body must be a JSON object"));
            }
            Access.requirePipeline(key, pipeline);
            InvokeRequest request;
            try {
                request = json.treeToValue(body, InvokeRequest.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                throw new ProblemException(ApiProblem.of(400, "invalid_request", "the body must have an \"input\" object", "input"));
            }
            ApiProblem refused = InvokeController.check(request, null);
            if (refused != null) {
                throw new ProblemException(refused);
            }
            // as a live call: a pinned line bypasses a running release, the others take the arm it decides
            // (a line has no headers: sticky header:<Name> decides at random)
            Route route = releases.route(pipeline, request.version(), caller.keyId(), h -> null);
            InvokeResponse.ReleaseArm arm = route.released() ? new InvokeResponse.ReleaseArm(route.releaseId(), route.arm()) : null;
            return shadows.invoke(route, caller, source, pipeline, request.input(), bytes)
                    .thenApply(result -> json.valueToTree(InvokeResponse.of(result, arm)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
