package dev.braid.server.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.tokens.TokenCounter;
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
import dev.braid.server.models.ChatModels;
import dev.braid.server.models.ChatTarget;
import dev.braid.server.releases.LiveReleases;
import dev.braid.server.releases.Route;
import dev.braid.server.releases.Shadows;
import dev.braid.server.openai.ModelNames;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens} in Anthropic's wire format, on
 * any model name. The {@code anthropic-version} header is accepted (any value); the key comes from
 * {@code x-api-key} or {@code Authorization: Bearer}. Nothing here waits on a model.
 */
@Tag(name = "Anthropic-compatible", description = "The Messages API in Anthropic's wire format, on any model (invoker key, as x-api-key or Bearer)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault, in Anthropic's error shape {type: error, error: {type, message}}",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = MessagesErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's or a provider's fault, in Anthropic's error shape",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = MessagesErrorBody.class)))
@Controller("/v1/messages")
public final class MessagesController {

    private final ChatModels models;
    private final ObjectMapper json;
    private final MeteredCalls calls;
    private final HttpCallers callers;
    private final LiveReleases releases;
    private final Shadows shadows;

    public MessagesController(ChatModels models, ObjectMapper json, MeteredCalls calls, HttpCallers callers,
            LiveReleases releases, Shadows shadows) {
        this.releases = releases;
        this.shadows = shadows;
        this.models = models;
        this.json = json;
        this.calls = calls;
        this.callers = callers;
    }

    @ApiResponse(responseCode = "200", description = "A message in Anthropic's shape, or with stream=true its events as server-sent events", content = {
            @Content(mediaType = "application/json", schema = @Schema(type = "object")),
            @Content(mediaType = "text/event-stream", schema = @Schema(type = "string"))
    })
    @Post(consumes = MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public CompletionStage<MutableHttpResponse<?>> create(@Body String body, HttpRequest<?> request) {
        MessagesRequest messages;
        ChatTarget target;
        try {
            messages = MessagesRequest.read(parse(body), json, false);
            checkModel(messages.model());
            Access.requireModel(request, messages.model());
            target = models.resolve(messages.model());
        } catch (RuntimeException e) {
            return done(refusal(request, e));
        }
        MessagesWire wire = new MessagesWire(json, messages.model());
        Caller caller = callers.of(request);
        ModelRequest modelRequest = messages.request();
        if (messages.stream()) {
            EventStream events = new EventStream(request);
            AnswerHeaders.onStream(events, caller.requestId(), target.knownModel());
            MessagesStream stream = new MessagesStream(events, wire, json, request);
            try {
                if (target instanceof ChatTarget.Routed routed) {
                    calls.chatStreaming(caller, Source.MESSAGES, messages.model(), routed.policy(), modelRequest,
                            body.length(), stream.ofModel());
                } else {
                    // a running release routes this door's pipeline calls as it does invoke and chat
                    String pipeline = ((ChatTarget.Pipeline) target).name();
                    Route route = releases.route(pipeline, null, caller.keyId(), h -> request.getHeaders().get(h));
                    Integer expected = releases.expectedVersion(pipeline, route);
                    if (expected != null) {
                        events.header(LiveReleases.VERSION_HEADER, expected.toString());
                    }
                    shadows.invokeStreaming(route, caller, Source.MESSAGES, pipeline, messages.pipelineInput(),
                            body.length(), stream.ofPipeline());
                }
            } catch (RuntimeException e) {
                stream.fail(e);
            }
            return events.response();
        }
        CompletionStage<MutableHttpResponse<?>> answer;
        try {
            if (target instanceof ChatTarget.Routed routed) {
                answer = calls.chat(caller, Source.MESSAGES, messages.model(), routed.policy(), modelRequest, body.length())
                        .thenApply(r -> AnswerHeaders.on(ok(wire.message(r.text(), r.toolCalls(), r.finishReason(), r.usage())),
                                caller.requestId(), r.provider() + "/" + r.model(), r.usage().costUsd(),
                                PipelineAnswers.cached(r)));
            } else {
                String pipeline = ((ChatTarget.Pipeline) target).name();
                Route route = releases.route(pipeline, null, caller.keyId(), h -> request.getHeaders().get(h));
                answer = shadows.invoke(route, caller, Source.MESSAGES, pipeline, messages.pipelineInput(), body.length())
                        .thenApply(result -> pipelineAnswer(wire, result, caller, pipeline)
                                .header(LiveReleases.VERSION_HEADER, Integer.toString(result.version())));
            }
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(error -> ErrorResponses.of(request, error));
    }

    /**
     * {@code {"input_tokens": N}}: the prompt (system, messages, tool definitions) counted with the
     * tokenizer estimate usage uses for the model; no model is called and nothing is billed.
     */
    @ApiResponse(responseCode = "200", description = "The prompt's token count, {input_tokens}", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(uri = "/count_tokens", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<?> countTokens(@Body String body, HttpRequest<?> request) {
        try {
            MessagesRequest messages = MessagesRequest.read(parse(body), json, true);
            checkModel(messages.model());
            Access.requireModel(request, messages.model());
            ChatTarget target = models.resolve(messages.model());
            String model = target.knownModel() != null ? target.knownModel() : messages.model();
            TokenCounter counter = TokenCounter.forModel(model.substring(model.indexOf('/') + 1));
            ObjectNode out = json.createObjectNode();
            out.put("input_tokens", count(messages.request(), counter));
            return ok(out);
        } catch (RuntimeException e) {
            return refusal(request, e);
        }
    }

    private long count(ModelRequest request, TokenCounter counter) {
        long n = 0;
        for (Message m : request.messages()) {
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text t) {
                    n += counter.count(t.text());
                }
            }
            for (ToolCall c : m.toolCalls()) {
                n += counter.count(c.name()) + counter.count(c.arguments());
            }
        }
        for (ToolDefinition t : request.tools()) {
            try {
                n += counter.count(t.name()) + counter.count(t.description() == null ? "" : t.description())
                        + counter.count(json.writeValueAsString(t.parameters()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    private MutableHttpResponse<?> pipelineAnswer(MessagesWire wire, InvocationResult result, Caller caller, String pipeline) {
        List<ToolCall> calls = PipelineAnswers.toolCalls(result);
        String text = calls.isEmpty() ? PipelineAnswers.text(result, json) : PipelineAnswers.textOrNull(result);
        return AnswerHeaders.on(ok(wire.message(text, calls, calls.isEmpty() ? "stop" : "tool_calls", result.usage())),
                caller.requestId(), "pipeline/" + pipeline, result.usage().costUsd(), PipelineAnswers.cached(result));
    }

    private static void checkModel(String model) {
        String problem = ModelNames.problem(model);
        if (problem != null) {
            throw new MessagesInvalid(problem);
        }
    }

    private MutableHttpResponse<?> refusal(HttpRequest<?> request, RuntimeException e) {
        if (e instanceof MessagesInvalid invalid) {
            return ErrorResponses.render(request, ApiProblem.of(400, "invalid_request", invalid.getMessage()));
        }
        return ErrorResponses.of(request, e);
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null ? null : json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new MessagesInvalid("a JSON request body is required");
            }
            return node;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new MessagesInvalid(ErrorResponses.jsonLimitMessage(e));
        } catch (JsonProcessingException e) {
            throw new MessagesInvalid("the request body is not valid JSON");
        }
    }

    private static MutableHttpResponse<Object> ok(Object body) {
        return HttpResponse.ok(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static CompletionStage<MutableHttpResponse<?>> done(MutableHttpResponse<?> response) {
        return CompletableFuture.completedFuture(response);
    }
}
