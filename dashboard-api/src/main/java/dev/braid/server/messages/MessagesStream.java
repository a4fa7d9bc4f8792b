package dev.braid.server.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import dev.braid.engine.run.StepDelta;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.server.calls.CallStream;
import dev.braid.server.calls.EventCallStream;
import dev.braid.server.calls.PipelineAnswers;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.EventStream;
import io.micronaut.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * One streamed Messages answer: {@code message_start}, then per content block {@code
 * content_block_start}, its deltas ({@code text_delta}, or {@code input_json_delta} for a tool call's
 * arguments) and {@code content_block_stop}; then {@code message_delta} (stop reason, usage with
 * {@code cost_usd}) and {@code message_stop}. A failure before the first event answers a plain HTTP
 * error in Anthropic's shape; after it, one {@code error} event ends the stream, as Anthropic does.
 */
final class MessagesStream {

    private final EventStream events;
    private final MessagesWire wire;
    private final ObjectMapper json;
    private final HttpRequest<?> request;
    // guarded by this
    private boolean started;
    private int blocks;
    private Integer openBlock;
    private boolean openIsText;
    private int openToolIndex = -1;
    private boolean sawToolCalls;
    private boolean sawContent;
    private String finishReason;

    MessagesStream(EventStream events, MessagesWire wire, ObjectMapper json, HttpRequest<?> request) {
        this.events = events;
        this.wire = wire;
        this.json = json;
        this.request = request;
    }

    synchronized void delta(ModelDelta delta) {
        if (events.isCancelled()) {
            throw new CancellationException("the client closed the stream");
        }
        if (delta instanceof ModelDelta.Finish f) {
            finishReason = f.reason();
            return;
        }
        start();
        if (delta instanceof ModelDelta.Text t) {
            if (t.text().isEmpty()) {
                return;
            }
            sawContent = true;
            if (openBlock == null || !openIsText) {
                closeBlock();
                openBlock = blocks++;
                openIsText = true;
                send(wire.textBlockStart(openBlock));
            }
            send(wire.textDelta(openBlock, t.text()));
        } else if (delta instanceof ModelDelta.ToolCallFragment f) {
            sawToolCalls = true;
            if (f.id() != null || f.name() != null || openBlock == null || openIsText || f.index() != openToolIndex) {
                closeBlock();
                openBlock = blocks++;
                openIsText = false;
                openToolIndex = f.index();
                send(wire.toolBlockStart(openBlock, MessagesWire.toolUseId(new ToolCall(f.id(), f.name(), null)),
                        f.name() == null ? "" : f.name()));
            }
            if (f.argumentsFragment() != null && !f.argumentsFragment().isEmpty()) {
                send(wire.jsonDelta(openBlock, f.argumentsFragment()));
            }
        }
    }

    synchronized boolean sawContent() {
        return sawContent;
    }

    synchronized void complete(String finish, Usage usage) {
        start();
        closeBlock();
        send(wire.messageDelta(MessagesWire.stopReason(finish != null ? finish : finishReason, sawToolCalls), usage));
        send(wire.messageStop());
        events.end();
    }

    synchronized void fail(Throwable error) {
        if (events.isCancelled()) {
            events.end();
            return;
        }
        if (events.failBeforeOpen(error)) {
            return; // the HTTP error; the door's filter writes it in Anthropic's shape
        }
        ApiProblem problem = ErrorResponses.problem(request, error, 500);
        events.named("error", write(MessagesWire.error(json, MessagesWire.errorType(problem.status()), problem.message())));
        events.end();
    }

    CallStream<ModelDelta, ModelResponse> ofModel() {
        return new Sink<>() {
            @Override
            public void delta(ModelDelta delta) {
                MessagesStream.this.delta(delta);
            }

            @Override
            public void complete(ModelResponse r) {
                MessagesStream.this.complete(r.finishReason(), r.usage());
            }
        };
    }

    CallStream<StepDelta, InvocationResult> ofPipeline() {
        return new Sink<>() {
            @Override
            public void delta(StepDelta delta) {
                MessagesStream.this.delta(new ModelDelta.Text(delta.text()));
            }

            @Override
            public void complete(InvocationResult result) {
                List<ToolCall> calls = PipelineAnswers.toolCalls(result);
                if (!calls.isEmpty()) {
                    for (int i = 0; i < calls.size(); i++) {
                        ToolCall c = calls.get(i);
                        MessagesStream.this.delta(new ModelDelta.ToolCallFragment(i, c.id(), c.name(), c.arguments()));
                    }
                    MessagesStream.this.complete("tool_calls", result.usage());
                    return;
                }
                if (!sawContent()) {
                    MessagesStream.this.delta(new ModelDelta.Text(PipelineAnswers.text(result, json)));
                }
                MessagesStream.this.complete("stop", result.usage());
            }
        };
    }

    private abstract class Sink<D, R> extends EventCallStream<D, R> {
        Sink() {
            super(MessagesStream.this.events);
        }

        @Override
        public void fail(Throwable error) {
            MessagesStream.this.fail(error);
        }
    }

    private void start() {
        if (!started) {
            started = true;
            send(wire.messageStart());
        }
    }

    private void closeBlock() {
        if (openBlock != null) {
            send(wire.blockStop(openBlock));
            openBlock = null;
        }
    }

    private void send(ObjectNode event) {
        events.named(event.get("type").asText(), write(event));
    }

    private String write(Object node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event did not serialize", e);
        }
    }
}
