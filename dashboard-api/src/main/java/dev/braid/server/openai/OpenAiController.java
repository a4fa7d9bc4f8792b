package dev.braid.server.openai;

import dev.braid.server.http.ErrorBody;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.server.access.Access;
import dev.braid.server.calls.Caller;
import dev.braid.server.calls.HttpCallers;
import dev.braid.server.calls.MeteredCalls;
import dev.braid.server.calls.PipelineAnswers;
import dev.braid.server.calls.Source;
import dev.braid.server.http.AnswerHeaders;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.EventStream;
import dev.braid.server.releases.LiveReleases;
import dev.braid.server.releases.Route;
import dev.braid.server.releases.Shadows;
import dev.braid.server.models.ChatModels;
import dev.braid.server.models.ChatTarget;
import dev.braid.server.models.ModelListing;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The OpenAI-compatible front door: {@code POST /v1/chat/completions} (streamed or not),
 * {@code POST /v1/embeddings} and {@code GET /v1/models}, speaking OpenAI's wire format so any
 * OpenAI SDK pointed at {@code <braid>/v1} works. Nothing here waits on a model: answers are
 * stages and streams completed from the router's callbacks.
 */
@Tag(name = "OpenAI-compatible", description = "Chat completions, embeddings and models in OpenAI's wire format (invoker key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400, 413, 415, 422), no or unknown key (401), a role that may not (403), not found (404), a limit, quota or budget reached (429)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault: an upstream failure (502), no provider or capacity (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/v1")
public final class OpenAiController {

    private final ChatModels models;
    private final ModelListing listing;
    private final ObjectMapper json;
    private final MeteredCalls calls;
    private final HttpCallers callers;
    private final OpenAiCalls answers;
    private final LiveReleases releases;
    private final Shadows shadows;

    public OpenAiController(ChatModels models, ModelListing listing, ObjectMapper json, MeteredCalls calls,
            HttpCallers callers, OpenAiCalls answers, LiveReleases releases, Shadows shadows) {
        this.answers = answers;
        this.releases = releases;
        this.shadows = shadows;
        this.models = models;
        this.listing = listing;
        this.json = json;
        this.calls = calls;
        this.callers = callers;
    }

    @ApiResponse(responseCode = "200", description = "A chat completion in OpenAI's shape, or with stream=true its chunks as server-sent events", content = {
                @Content(mediaType = "application/json", schema = @Schema(type = "object")),
                @Content(mediaType = "text/event-stream", schema = @Schema(type = "string"))
            })
    @Post(uri = "/chat/completions", consumes = MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public CompletionStage<MutableHttpResponse<?>> chat(@Body String body, HttpRequest<?> request) {
        ChatCompletionRequest chat;
        ChatTarget target;
        try {
            chat = ChatCompletionRequest.read(parse(body), json);
            Access.requireModel(request, chat.model());
            target = models.resolve(chat.model());
        } catch (RequestInvalid e) {
            return done(ErrorResponses.render(request, e.problem()));
        } catch (RuntimeException e) {
            return done(ErrorResponses.of(request, e));
        }
        ChatWire wire = new ChatWire(json, chat.model());
        Caller caller = callers.of(request);
        if (chat.stream()) {
            EventStream events = new EventStream(request);
            AnswerHeaders.onStream(events, caller.requestId(), target.knownModel());
            ChatStream stream = new ChatStream(events, wire, json, request, chat.includeUsage());
            try {
                if (target instanceof ChatTarget.Routed routed) {
                    calls.chatStreaming(caller, Source.CHAT, chat.model(), routed.policy(), chat.toModelRequest(),
                            body.length(), stream.ofModel());
                } else {
                    String pipeline = ((ChatTarget.Pipeline) target).name();
                    Route route = releases.route(pipeline, null, caller.keyId(), h -> request.getHeaders().get(h));
                    Integer expected = releases.expectedVersion(pipeline, route);
                    if (expected != null) {
                        events.header(LiveReleases.VERSION_HEADER, expected.toString());
                    }
                    shadows.invokeStreaming(route, caller, Source.CHAT, pipeline, chat.pipelineInput(),
                            request.getContentLength(), stream.ofPipeline(answers::textOf, PipelineAnswers::toolCalls));
                }
            } catch (RuntimeException e) {
                stream.fail(e);
            }
            return events.response();
        }
        CompletionStage<MutableHttpResponse<?>> answer;
        try {
            if (target instanceof ChatTarget.Routed routed) {
                answer = calls.chat(caller, Source.CHAT, chat.model(), routed.policy(), chat.toModelRequest(), body.length())
                        .thenApply(r -> AnswerHeaders.on(ok(wire.completion(r.text(), r.toolCalls(), r.finishReason(),
                                        r.usage(), r.fields().get(ModelResponse.LOGPROBS_FIELD))),
                                caller.requestId(), r.provider() + "/" + r.model(), r.usage().costUsd(),
                                PipelineAnswers.cached(r)));
            } else {
                String pipeline = ((ChatTarget.Pipeline) target).name();
                Route route = releases.route(pipeline, null, caller.keyId(), h -> request.getHeaders().get(h));
                answer = shadows.invoke(route, caller, Source.CHAT, pipeline, chat.pipelineInput(), request.getContentLength())
                        .thenApply(result -> AnswerHeaders.on(ok(answers.pipelineCompletion(wire, result)),
                                        caller.requestId(), "pipeline/" + pipeline, result.usage().costUsd(),
                                        PipelineAnswers.cached(result))
                                .header(LiveReleases.VERSION_HEADER, Integer.toString(result.version())));
            }
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(error -> ErrorResponses.of(request, error));
    }

    @ApiResponse(responseCode = "200", description = "An embedding list in OpenAI's shape", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(uri = "/embeddings", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public CompletionStage<MutableHttpResponse<?>> embeddings(@Body String body, HttpRequest<?> request) {
        OpenAiCalls.EmbeddingsRequest embeddings;
        ChatTarget.Routed routed;
        try {
            embeddings = OpenAiCalls.EmbeddingsRequest.read(parse(body));
            Access.requireModel(request, embeddings.model());
            routed = answers.routedEmbeddings(embeddings.model());
        } catch (RequestInvalid e) {
            return done(ErrorResponses.render(request, e.problem()));
        } catch (RuntimeException e) {
            return done(ErrorResponses.of(request, e));
        }
        String model = embeddings.model();
        boolean base64 = embeddings.base64();
        Caller caller = callers.of(request);
        return calls.embeddings(caller, Source.EMBEDDINGS, model, routed.policy(), embeddings.request())
                .<MutableHttpResponse<?>>thenApply(r -> AnswerHeaders.on(ok(answers.embeddingList(model, r, base64)),
                        caller.requestId(), r.provider() + "/" + r.model(), r.usage().costUsd(), PipelineAnswers.cached(r)))
                .exceptionally(error -> ErrorResponses.of(request, error));
    }

    @ApiResponse(responseCode = "200", description = "The models and pipelines this key may call, in OpenAI's list shape", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(uri = "/models", produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<?> models() {
        ObjectNode root = json.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelListing.Entry e : listing.entries()) {
            modelObject(data.addObject(), e);
        }
        return ok(root);
    }

    /** One model of the listing ({@code GET /v1/models/pipeline/chat} works: ids hold slashes). */
    @Hidden // its {+id} template confuses the generator: described in src/main/openapi/models.yml
    @Get(uri = "/models/{+id}", produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<?> model(@PathVariable("id") String id, HttpRequest<?> request) {
        for (ModelListing.Entry e : listing.entries()) {
            if (e.id().equals(id)) {
                return ok(modelObject(json.createObjectNode(), e));
            }
        }
        return ErrorResponses.render(request, ApiProblem.of(404, "model_not_found",
                "The model '" + (id.length() > 100 ? id.substring(0, 100) + "…" : id) + "' does not exist", "model"));
    }

    private static ObjectNode modelObject(ObjectNode m, ModelListing.Entry e) {
        m.put("id", e.id());
        m.put("object", "model");
        m.put("created", e.created());
        m.put("owned_by", e.ownedBy());
        return m;
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null ? null : json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new RequestInvalid(null, "a JSON request body is required");
            }
            return node;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new RequestInvalid("invalid_json", null, dev.braid.server.http.ErrorResponses.jsonLimitMessage(e));
        } catch (JsonProcessingException e) {
            throw new RequestInvalid("invalid_json", null, "the request body is not valid JSON");
        }
    }

    private static MutableHttpResponse<?> ok(Object body) {
        return HttpResponse.ok(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static CompletionStage<MutableHttpResponse<?>> done(MutableHttpResponse<?> response) {
        return CompletableFuture.completedFuture(response);
    }
}
