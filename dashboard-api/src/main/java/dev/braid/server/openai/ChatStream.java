package dev.braid.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.run.StepDelta;
import dev.braid.server.calls.CallStream;
import dev.braid.server.calls.EventCallStream;
import dev.braid.components.model.api.Usage;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.EventStream;
import io.micronaut.http.HttpRequest;
import dev.braid.components.model.api.ToolCall;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * One streamed chat completion on the wire: {@code data: <chunk>\n\n} frames, the role chunk
 * first, then one chunk per delta, the finish chunk, the usage chunk ({@code choices: []}) only
 * when {@code stream_options.include_usage}, then {@code data: [DONE]}.
 *
 * <p>A failure before the first delta answers a plain HTTP error (the router may still fall back
 * until then). A failure after it sends one {@code data: {"error":{…}}} frame and ends the stream
 * without {@code [DONE]}, as OpenAI does: the official SDKs raise the error from that frame, and
 * a missing {@code [DONE]} tells any other client the answer is incomplete.
 */
final class ChatStream {

    private final EventStream events;
    private final ChatWire wire;
    private final ObjectMapper json;
    private final HttpRequest<?> request;
    private final boolean includeUsage;
    // guarded by this
    private boolean roleSent;
    private boolean sawToolCalls;
    private boolean sawContent;
    private String finishReason;

    ChatStream(EventStream events, ChatWire wire, ObjectMapper json, HttpRequest<?> request, boolean includeUsage) {
        this.events = events;
        this.wire = wire;
        this.json = json;
        this.request = request;
        this.includeUsage = includeUsage;
    }

    synchronized void delta(ModelDelta delta) {
        if (events.isCancelled()) {
            // thrown into the router's sink: it aborts the provider call instead of streaming to no one
            throw new CancellationException("the client closed the stream");
        }
        if (delta instanceof ModelDelta.Finish f) {
            finishReason = f.reason();
            return;
        }
        if (delta instanceof ModelDelta.Text t && t.text().isEmpty()) {
            return;
        }
        role();
        sawToolCalls |= delta instanceof ModelDelta.ToolCallFragment;
        sawContent |= delta instanceof ModelDelta.Text;
        ObjectNode chunk = wire.deltaChunk(delta, includeUsage);
        if (chunk != null) {
            events.data(write(chunk));
        }
    }

    /** Whether any content delta went out (a pipeline without {@code stream:} sends its text at the end). */
    synchronized boolean sawContent() {
        return sawContent;
    }

    synchronized void complete(String finish, Usage usage) {
        role();
        events.data(write(wire.finishChunk(finish != null ? finish : finishReason, sawToolCalls, includeUsage)));
        if (includeUsage) {
            events.data(write(wire.usageChunk(usage)));
        }
        events.data("[DONE]");
        events.end();
    }

    synchronized void fail(Throwable error) {
        if (events.isCancelled()) {
            events.end(); // nobody to tell; not an error of ours either
            return;
        }
        if (events.failBeforeOpen(error)) {
            return;
        }
        ApiProblem problem = ErrorResponses.problem(request, error, 500);
        ErrorBody body = new ErrorBody(new ErrorBody.Detail(
                problem.type(), problem.code(), problem.message(), problem.param(), problem.errors()));
        events.data(write(body));
        events.end();
    }

    /** This stream as the sink of a routed model call. */
    CallStream<ModelDelta, ModelResponse> ofModel() {
        return new Sink<>() {
            @Override
            public void delta(ModelDelta delta) {
                ChatStream.this.delta(delta);
            }

            @Override
            public void complete(ModelResponse r) {
                ChatStream.this.complete(r.finishReason(), r.usage());
            }
        };
    }

    /**
     * This stream as the sink of a {@code pipeline/<name>} run: its stream step's text deltas, and
     * {@code textOf} the envelope at the end when no delta came (a pipeline without {@code stream:},
     * or whose stream step is not its answer, answers at once).
     */
    CallStream<StepDelta, InvocationResult> ofPipeline(Function<InvocationResult, String> textOf,
            Function<InvocationResult, List<ToolCall>> toolCallsOf) {
        return new Sink<>() {
            @Override
            public void delta(StepDelta delta) {
                ChatStream.this.delta(new ModelDelta.Text(delta.text()));
            }

            @Override
            public void complete(InvocationResult result) {
                List<ToolCall> calls = toolCallsOf.apply(result);
                if (!calls.isEmpty()) {
                    // a chat-shaped pipeline that answered with tool calls: each as one whole fragment
                    for (int i = 0; i < calls.size(); i++) {
                        ToolCall c = calls.get(i);
                        ChatStream.this.delta(new ModelDelta.ToolCallFragment(i, c.id(), c.name(), c.arguments()));
                    }
                    ChatStream.this.complete("tool_calls", result.usage());
                    return;
                }
                if (!sawContent()) {
                    ChatStream.this.delta(new ModelDelta.Text(textOf.apply(result)));
                }
                ChatStream.this.complete("stop", result.usage());
            }
        };
    }

    /** What both sinks share: a failure ends this stream the same way. */
    private abstract class Sink<D, R> extends EventCallStream<D, R> {

        Sink() {
            super(ChatStream.this.events);
        }

        @Override
        public void fail(Throwable error) {
            ChatStream.this.fail(error);
        }
    }

    private void role() {
        if (!roleSent) {
            roleSent = true;
            events.data(write(wire.roleChunk(includeUsage)));
        }
    }

    private String write(Object node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a chunk did not serialize", e);
        }
    }
}
