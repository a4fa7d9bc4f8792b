package dev.braid.server.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import dev.braid.engine.run.StepDelta;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.server.calls.CallStream;
import dev.braid.server.calls.EventCallStream;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.EventStream;
import io.micronaut.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One streamed response on the wire: typed server-sent events ({@code event: <type>} and a JSON
 * {@code data} carrying the same {@code type} and a {@code sequence_number} counting from 0).
 * <ol>
 *   <li>{@code response.created}, {@code response.in_progress} (the response, {@code in_progress},
 *       no output), sent with the first piece of the answer;
 *   <li>per text: {@code response.output_item.added} (a message), {@code response.content_part.added},
 *       {@code response.output_text.delta}…, {@code response.output_text.done},
 *       {@code response.content_part.done}, {@code response.output_item.done};
 *   <li>per tool call: {@code response.output_item.added} (a function_call),
 *       {@code response.function_call_arguments.delta}…, {@code response.function_call_arguments.done},
 *       {@code response.output_item.done};
 *   <li>{@code response.completed} (or {@code response.incomplete} when the answer hit
 *       {@code max_output_tokens}) with the full output and the usage the provider reported.
 * </ol>
 * A failure before the first piece answers a plain HTTP error in OpenAI's shape (the router may
 * still fall back until then); after it, an {@code error} event then {@code response.failed}, and the
 * stream ends: never a hung stream. The response is stored (when asked) before
 * {@code response.completed} goes out, so a caller that saw it can chain on it at once.
 */
final class ResponseStream {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What happens to the finished response before its last event: stored (or not). */
    interface Finisher {
        CompletionStage<Void> finish(ObjectNode response);
    }

    private final EventStream events;
    private final ObjectMapper json;
    private final HttpRequest<?> request;
    private final String id;
    private final long createdAt;
    private final String model;
    private final ObjectNode echo;
    private final Finisher finisher;
    // guarded by this
    private long sequence;
    private boolean started;
    private int nextOutputIndex;
    private TextItem text;
    private final Map<Integer, CallItem> calls = new LinkedHashMap<>();
    private final List<Done> done = new ArrayList<>();
    private boolean sawText;
    private boolean sawCalls;

    private record Done(int outputIndex, ObjectNode item) {}

    private static final class TextItem {
        final int outputIndex;
        final String id = ResponseWire.newId("msg_");
        final StringBuilder text = new StringBuilder();

        TextItem(int outputIndex) {
            this.outputIndex = outputIndex;
        }
    }

    private static final class CallItem {
        final int outputIndex;
        final String id = ResponseWire.newId("fc_");
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        CallItem(int outputIndex, String callId, String name) {
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }

    ResponseStream(EventStream events, ObjectMapper json, HttpRequest<?> request, String id, long createdAt,
            String model, ObjectNode echo, Finisher finisher) {
        this.events = events;
        this.json = json;
        this.request = request;
        this.id = id;
        this.createdAt = createdAt;
        this.model = model;
        this.echo = echo;
        this.finisher = finisher;
    }

    synchronized void delta(ModelDelta delta) {
        if (events.isCancelled()) {
            // thrown into the router's sink: it aborts the provider call instead of streaming to no one
            throw new CancellationException("the client closed the stream");
        }
        if (delta instanceof ModelDelta.Text t) {
            text(t.text());
        } else if (delta instanceof ModelDelta.ToolCallFragment f) {
            toolCall(f);
        }
        // a Finish says nothing the final response does not
    }

    private void text(String piece) {
        if (piece.isEmpty()) {
            return;
        }
        start();
        sawText = true;
        if (text == null) {
            text = new TextItem(nextOutputIndex++);
            emit("response.output_item.added", event().put("output_index", text.outputIndex)
                    .set("item", ResponseWire.message(text.id, null, "in_progress")));
            ObjectNode added = event().put("item_id", text.id).put("output_index", text.outputIndex).put("content_index", 0);
            added.set("part", ResponseWire.outputText(""));
            emit("response.content_part.added", added);
        }
        text.text.append(piece);
        ObjectNode d = event().put("item_id", text.id).put("output_index", text.outputIndex).put("content_index", 0)
                .put("delta", piece);
        d.putArray("logprobs");
        emit("response.output_text.delta", d);
    }

    private void toolCall(ModelDelta.ToolCallFragment f) {
        start();
        sawCalls = true;
        closeText(); // a text before the calls is a finished message
        CallItem call = calls.get(f.index());
        if (call == null) {
            String callId = f.id() == null || f.id().isEmpty() ? ResponseWire.newId("call_") : f.id();
            call = new CallItem(nextOutputIndex++, callId, f.name() == null ? "" : f.name());
            calls.put(f.index(), call);
            emit("response.output_item.added", event().put("output_index", call.outputIndex)
                    .set("item", ResponseWire.functionCall(call.id, call.callId, call.name, "", "in_progress")));
        }
        String fragment = f.argumentsFragment();
        if (fragment != null && !fragment.isEmpty()) {
            call.arguments.append(fragment);
            emit("response.function_call_arguments.delta", event().put("item_id", call.id)
                    .put("output_index", call.outputIndex).put("delta", fragment));
        }
    }

    private void closeText() {
        if (text == null) {
            return;
        }
        TextItem t = text;
        text = null;
        String full = t.text.toString();
        ObjectNode d = event().put("item_id", t.id).put("output_index", t.outputIndex).put("content_index", 0)
                .put("text", full);
        d.putArray("logprobs");
        emit("response.output_text.done", d);
        ObjectNode partDone = event().put("item_id", t.id).put("output_index", t.outputIndex).put("content_index", 0);
        partDone.set("part", ResponseWire.outputText(full));
        emit("response.content_part.done", partDone);
        ObjectNode item = ResponseWire.message(t.id, full, "completed");
        emit("response.output_item.done", event().put("output_index", t.outputIndex).set("item", item));
        done.add(new Done(t.outputIndex, item));
    }

    private void closeCalls() {
        for (CallItem c : calls.values()) {
            String arguments = c.arguments.toString();
            emit("response.function_call_arguments.done", event().put("item_id", c.id)
                    .put("output_index", c.outputIndex).put("name", c.name).put("arguments", arguments));
            ObjectNode item = ResponseWire.functionCall(c.id, c.callId, c.name, arguments, "completed");
            emit("response.output_item.done", event().put("output_index", c.outputIndex).set("item", item));
            done.add(new Done(c.outputIndex, item));
        }
        calls.clear();
    }

    /** The answer is complete: its items close, the response is stored, then {@code response.completed}. */
    synchronized void complete(Answer answer) {
        if (events.isCancelled()) {
            events.end();
            return;
        }
        start();
        // what came without deltas (a pipeline answering at once, its tool calls) still gets its items
        if (!sawText && !sawCalls && (!answer.text().isEmpty() || answer.toolCalls().isEmpty())) {
            text(answer.text());
            if (text == null) {
                text = new TextItem(nextOutputIndex++);
                emit("response.output_item.added", event().put("output_index", text.outputIndex)
                        .set("item", ResponseWire.message(text.id, null, "in_progress")));
            }
        }
        if (!sawCalls) {
            for (int i = 0; i < answer.toolCalls().size(); i++) {
                ToolCall c = answer.toolCalls().get(i);
                toolCall(new ModelDelta.ToolCallFragment(i, ResponseWire.callId(c), c.name(), c.arguments()));
            }
        }
        closeText();
        closeCalls();
        done.sort(Comparator.comparingInt(Done::outputIndex));
        ArrayNode output = NODES.arrayNode();
        done.forEach(d -> output.add(d.item()));
        String incomplete = ResponseWire.incompleteReason(answer.finishReason());
        ObjectNode response = ResponseWire.response(id, createdAt, model, echo,
                incomplete == null ? "completed" : "incomplete", output, answer.usage(), incomplete, null);
        finisher.finish(response).whenComplete((ok, error) -> finished(incomplete == null
                ? "response.completed" : "response.incomplete", response));
    }

    private synchronized void finished(String type, ObjectNode response) {
        emit(type, event().set("response", response));
        events.end();
    }

    synchronized void fail(Throwable error) {
        if (events.isCancelled()) {
            events.end(); // nobody to tell; not an error of ours either
            return;
        }
        if (!started && events.failBeforeOpen(error)) {
            return;
        }
        ApiProblem problem = ErrorResponses.problem(request, error, 500);
        ObjectNode e = event().put("code", ResponseWire.errorCode(problem)).put("message", problem.message());
        e.put("param", problem.param());
        emit("error", e);
        done.sort(Comparator.comparingInt(Done::outputIndex));
        ArrayNode output = NODES.arrayNode();
        done.forEach(d -> output.add(d.item()));
        emit("response.failed", event().set("response",
                ResponseWire.response(id, createdAt, model, echo, "failed", output, null, null, problem)));
        events.end();
    }

    /** This stream as the sink of a routed model call. */
    CallStream<ModelDelta, ModelResponse> ofModel() {
        return new Sink<>() {
            @Override
            public void delta(ModelDelta delta) {
                ResponseStream.this.delta(delta);
            }

            @Override
            public void complete(ModelResponse r) {
                ResponseStream.this.complete(Answer.of(r));
            }
        };
    }

    /** This stream as the sink of a {@code pipeline/<name>} run; {@code answer} renders its envelope. */
    CallStream<StepDelta, InvocationResult> ofPipeline(Function<InvocationResult, Answer> answer) {
        return new Sink<>() {
            @Override
            public void delta(StepDelta delta) {
                ResponseStream.this.delta(new ModelDelta.Text(delta.text()));
            }

            @Override
            public void complete(InvocationResult result) {
                ResponseStream.this.complete(answer.apply(result));
            }
        };
    }

    private abstract class Sink<D, R> extends EventCallStream<D, R> {

        Sink() {
            super(ResponseStream.this.events);
        }

        @Override
        public void fail(Throwable error) {
            ResponseStream.this.fail(error);
        }
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        ObjectNode inProgress = ResponseWire.response(id, createdAt, model, echo, "in_progress", NODES.arrayNode(),
                null, null, null);
        emit("response.created", event().set("response", inProgress));
        emit("response.in_progress", event().set("response", inProgress));
    }

    private ObjectNode event() {
        return NODES.objectNode();
    }

    private void emit(String type, ObjectNode payload) {
        ObjectNode e = NODES.objectNode();
        e.put("type", type);
        e.put("sequence_number", sequence++);
        e.setAll(payload);
        try {
            events.named(type, json.writeValueAsString(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an event did not serialize", ex);
        }
    }
}
