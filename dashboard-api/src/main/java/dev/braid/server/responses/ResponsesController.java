package dev.braid.server.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ToolCall;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.server.access.Access;
import dev.braid.server.calls.PipelineAnswers;
import dev.braid.server.calls.Caller;
import dev.braid.server.calls.HttpCallers;
import dev.braid.server.calls.MeteredCalls;
import dev.braid.server.calls.Source;
import dev.braid.server.http.AnswerHeaders;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.EventStream;
import dev.braid.server.http.ProblemException;
import dev.braid.server.http.RequestIds;
import dev.braid.server.models.ChatModels;
import dev.braid.server.models.ChatTarget;
import dev.braid.server.releases.LiveReleases;
import dev.braid.server.releases.Route;
import dev.braid.server.releases.Shadows;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI Responses door: {@code POST /v1/responses} (streamed or not) on any model name
 * ({@code provider/model}, an alias, {@code pipeline/<name>}), translated to the unified model and
 * through {@code calls.MeteredCalls} like every paid call (usage {@code source: responses});
 * {@code GET} and {@code DELETE /v1/responses/{id}} on the caller's stored responses. Nothing here
 * waits on a model or the database: answers are stages completed from callbacks.
 */
@Tag(name = "OpenAI-compatible", description = "Chat completions, embeddings and models in OpenAI's wire format (invoker key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/v1/responses")
public final class ResponsesController {

    private static final Logger LOG = LoggerFactory.getLogger(ResponsesController.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Longer ids are no id of ours: refused before the database sees them. */
    private static final int MAX_ID_LENGTH = 64;

    private final ChatModels models;
    private final ObjectMapper json;
    private final MeteredCalls calls;
    private final HttpCallers callers;
    private final ResponseStore store;
    private final LiveReleases releases;
    private final Shadows shadows;

    public ResponsesController(ChatModels models, ObjectMapper json, MeteredCalls calls, HttpCallers callers,
            ResponseStore store, LiveReleases releases, Shadows shadows) {
        this.releases = releases;
        this.shadows = shadows;
        this.models = models;
        this.json = json;
        this.calls = calls;
        this.callers = callers;
        this.store = store;
    }

    @ApiResponse(responseCode = "200", description = "A response in OpenAI's shape, or with stream=true its typed events as server-sent events", content = {
                @Content(mediaType = "application/json", schema = @Schema(type = "object")),
                @Content(mediaType = "text/event-stream", schema = @Schema(type = "string"))
            })
    @Post(consumes = MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public CompletionStage<MutableHttpResponse<?>> create(@Body String body, HttpRequest<?> request) {
        ResponsesRequest asked;
        ChatTarget target;
        try {
            asked = ResponsesRequest.read(parse(body), json);
            Access.requireModel(request, asked.model());
            target = models.resolve(asked.model());
        } catch (RuntimeException e) {
            return done(ErrorResponses.of(request, e));
        }
        Caller caller = callers.of(request);
        String owner = owner(caller);
        String id = ResponseWire.newId("resp_");
        long createdAt = Instant.now().getEpochSecond();
        long requestBytes = body.length();
        // a running release routes this door's pipeline calls as it does invoke and chat
        Route route = target instanceof ChatTarget.Pipeline p
                ? releases.route(p.name(), null, caller.keyId(), h -> request.getHeaders().get(h)) : Route.ACTIVE;
        Integer version = target instanceof ChatTarget.Pipeline p ? releases.expectedVersion(p.name(), route) : null;
        CompletionStage<ArrayNode> conversation = conversation(asked, owner);
        if (asked.stream()) {
            EventStream events = new EventStream(request);
            AnswerHeaders.onStream(events, caller.requestId(), target.knownModel());
            if (version != null) {
                events.header(LiveReleases.VERSION_HEADER, version.toString());
            }
            ResponseStream stream = new ResponseStream(events, json, request, id, createdAt, asked.model(), asked.echo(),
                    response -> saved(asked, owner, conversation, response));
            conversation.whenComplete((conv, refused) -> {
                if (refused != null) {
                    stream.fail(refused);
                    return;
                }
                try {
                    if (target instanceof ChatTarget.Routed routed) {
                        calls.chatStreaming(caller, Source.RESPONSES, asked.model(), routed.policy(),
                                asked.toModelRequest(conv), requestBytes, stream.ofModel());
                    } else {
                        String pipeline = ((ChatTarget.Pipeline) target).name();
                        shadows.invokeStreaming(route, caller, Source.RESPONSES, pipeline, asked.pipelineInput(conv),
                                requestBytes, stream.ofPipeline(r -> pipelineAnswer(pipeline, r)));
                    }
                } catch (RuntimeException e) {
                    stream.fail(e);
                }
            });
            return events.response();
        }
        return conversation.thenCompose(conv -> answer(caller, asked, target, conv, requestBytes, route))
                .<MutableHttpResponse<?>>thenCompose(answer -> {
                    ObjectNode response = ResponseWire.completed(id, createdAt, asked.model(), asked.echo(), answer);
                    return saved(asked, owner, conversation, response).thenApply(stored -> {
                        MutableHttpResponse<?> ok = AnswerHeaders.on(ok(response),
                                caller.requestId(), answer.answeredBy(), answer.usage().costUsd(), answer.cached());
                        return version == null ? ok : ok.header(LiveReleases.VERSION_HEADER, version.toString());
                    });
                })
                .exceptionally(error -> ErrorResponses.of(request, error));
    }

    /** One of the caller's stored responses, as it was answered. */
    @ApiResponse(responseCode = "200", description = "A stored response in OpenAI's shape", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    public CompletionStage<MutableHttpResponse<?>> get(@PathVariable("id") String id, HttpRequest<?> request) {
        if (!plausibleId(id)) {
            return done(notFound(request, id));
        }
        return store.find(id, owner(callers.of(request)))
                .<MutableHttpResponse<?>>thenApply(found -> found.isEmpty() ? notFound(request, id)
                        : HttpResponse.ok(found.get().response()).contentType(MediaType.APPLICATION_JSON_TYPE))
                .exceptionally(error -> ErrorResponses.of(request, error));
    }

    /** Deletes one of the caller's stored responses. */
    @ApiResponse(responseCode = "200", description = "{\"id\", \"object\": \"response\", \"deleted\": true}", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Delete(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    public CompletionStage<MutableHttpResponse<?>> delete(@PathVariable("id") String id, HttpRequest<?> request) {
        if (!plausibleId(id)) {
            return done(notFound(request, id));
        }
        return store.delete(id, owner(callers.of(request)))
                .<MutableHttpResponse<?>>thenApply(deleted -> deleted
                        ? ok(NODES.objectNode().put("id", id).put("object", "response").put("deleted", true))
                        : notFound(request, id))
                .exceptionally(error -> ErrorResponses.of(request, error));
    }

    /** The model's answer at once: a routed call or a pipeline run. */
    private CompletionStage<Answer> answer(Caller caller, ResponsesRequest asked, ChatTarget target, ArrayNode conv,
            long requestBytes, Route route) {
        if (target instanceof ChatTarget.Routed routed) {
            return calls.chat(caller, Source.RESPONSES, asked.model(), routed.policy(), asked.toModelRequest(conv),
                    requestBytes).thenApply(Answer::of);
        }
        String pipeline = ((ChatTarget.Pipeline) target).name();
        return shadows.invoke(route, caller, Source.RESPONSES, pipeline, asked.pipelineInput(conv), requestBytes)
                .thenApply(r -> pipelineAnswer(pipeline, r));
    }

    /**
     * The conversation the model answers: with {@code previous_response_id}, the stored chain (its
     * input, then its output), then this request's input; else this input alone. An unknown,
     * expired or another key's id is 404 {@code previous_response_not_found}.
     */
    private CompletionStage<ArrayNode> conversation(ResponsesRequest asked, String owner) {
        if (asked.previousResponseId() == null) {
            return CompletableFuture.completedFuture(asked.input());
        }
        String previous = asked.previousResponseId();
        CompletionStage<Optional<ResponseStore.Stored>> found = plausibleId(previous)
                ? store.find(previous, owner) : CompletableFuture.completedFuture(Optional.empty());
        return found.thenApply(stored -> {
            if (stored.isEmpty()) {
                throw new ProblemException(ApiProblem.of(404, "previous_response_not_found",
                        "Previous response with id '" + ResponseItems.clip(previous) + "' not found.",
                        "previous_response_id"));
            }
            try {
                ArrayNode all = NODES.arrayNode();
                all.addAll((ArrayNode) json.readTree(stored.get().input()));
                all.addAll(ResponseItems.normalize(ResponseWire.outputOf(json.readTree(stored.get().response()))));
                all.addAll(asked.input());
                return all;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored response " + previous + " did not parse", e);
            }
        });
    }

    /**
     * Stores {@code response} with the conversation it answered when the request asked for it. A
     * failed write is logged and the answer still goes out: the caller has paid for it; only the
     * later GET or chain finds nothing.
     */
    private CompletionStage<Void> saved(ResponsesRequest asked, String owner, CompletionStage<ArrayNode> conversation,
            ObjectNode response) {
        if (!asked.store()) {
            return CompletableFuture.completedFuture(null);
        }
        return conversation.thenCompose(conv -> {
            try {
                return store.save(new ResponseStore.Stored(response.get("id").asText(), owner, asked.model(),
                        json.writeValueAsString(conv), json.writeValueAsString(response),
                        Instant.ofEpochSecond(response.get("created_at").asLong())));
            } catch (JsonProcessingException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).exceptionally(error -> {
            LOG.warn("response {} was not stored: {}", response.get("id").asText(), error.toString());
            return null;
        });
    }

    /** A pipeline's envelope as an answer: its text and tool calls, read as every door reads them. */
    private Answer pipelineAnswer(String pipeline, InvocationResult result) {
        List<ToolCall> toolCalls = PipelineAnswers.toolCalls(result);
        String text = toolCalls.isEmpty() ? PipelineAnswers.text(result, json) : PipelineAnswers.textOrNull(result);
        return new Answer(text, toolCalls, toolCalls.isEmpty() ? "stop" : "tool_calls", result.usage(),
                ChatModels.PIPELINE_PREFIX + pipeline, PipelineAnswers.cached(result));
    }

    private static String owner(Caller caller) {
        return caller.keyId() == null ? "" : caller.keyId();
    }

    private static boolean plausibleId(String id) {
        return id != null && id.length() <= MAX_ID_LENGTH && id.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }

    private static MutableHttpResponse<?> notFound(HttpRequest<?> request, String id) {
        return ErrorResponses.render(request, ApiProblem.of(404, "response_not_found",
                "Response with id '" + ResponseItems.clip(id) + "' not found.", "response_id"));
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null ? null : json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ResponsesRequest.invalid(null, "a JSON request body is required");
            }
            return node;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new ProblemException(ApiProblem.of(400, "invalid_json", ErrorResponses.jsonLimitMessage(e)));
        } catch (JsonProcessingException e) {
            throw new ProblemException(ApiProblem.of(400, "invalid_json", "the request body is not valid JSON"));
        }
    }

    private static MutableHttpResponse<?> ok(Object body) {
        return HttpResponse.ok(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static CompletionStage<MutableHttpResponse<?>> done(MutableHttpResponse<?> response) {
        return CompletableFuture.completedFuture(response);
    }
}
