package dev.braid.components.model.http;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What every stream decoder builds while it reads: the answer text, the tool calls by index (id and
 * name from the first fragment that has them, arguments appended), the first finish reason and the
 * model the provider says answered. Each piece is passed on to the caller's sink as it arrives, so a
 * decoder only reads its wire format and calls in here; {@link #response} is the final answer.
 */
public final class StreamAccumulator {

    /** One tool call being put together. */
    private static final class Call {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    private final String provider;
    private final String model;
    private final ModelRequest request;
    private final Consumer<ModelDelta> sink;
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, Call> calls = new TreeMap<>();
    private String emptyArguments = "";
    private String answeredModel;
    private String finish;

    public StreamAccumulator(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink) {
        this.provider = provider;
        this.model = model;
        this.request = request;
        this.sink = sink;
    }

    /** The arguments a tool call that never got any are given ({@code "{}"} where the wire means "no input"). */
    public StreamAccumulator emptyArgumentsAs(String json) {
        this.emptyArguments = json;
        return this;
    }

    /** Appends answer text and passes it on; empty text is dropped. */
    public void text(String t) {
        if (t != null && !t.isEmpty()) {
            text.append(t);
            sink.accept(new ModelDelta.Text(t));
        }
    }

    /** A fragment of tool call {@code index}: a non-null id or name is kept, the arguments are appended. */
    public void toolFragment(int index, String id, String name, String arguments) {
        Call call = calls.computeIfAbsent(index, i -> new Call());
        if (id != null) {
            call.id = id;
        }
        if (name != null) {
            call.name = name;
        }
        call.arguments.append(arguments);
        sink.accept(new ModelDelta.ToolCallFragment(index, id, name, arguments));
    }

    /** A tool call that arrived whole (Gemini, Ollama): the next index, one fragment. */
    public void toolCall(ToolCall call) {
        toolFragment(calls.size(), call.id(), call.name(), call.arguments());
    }

    /** How many tool calls have been started; the next index of a provider that does not number them. */
    public int toolCalls() {
        return calls.size();
    }

    /** The first finish reason wins and is passed on; later ones are ignored. */
    public void finish(String reason) {
        if (reason != null && finish == null) {
            finish = reason;
            sink.accept(new ModelDelta.Finish(reason));
        }
    }

    /** The finish reason so far, or null. */
    public String finishReason() {
        return finish;
    }

    /** The model the provider says answered (it may differ from the one asked for); null is ignored. */
    public void answeredModel(String m) {
        if (m != null) {
            answeredModel = m;
        }
    }

    /** The final answer; a negative count means the provider did not report it and it is estimated. */
    public ModelResponse response(long promptTokens, long completionTokens) {
        List<ToolCall> toolCalls = new ArrayList<>(calls.size());
        calls.values().forEach(c -> toolCalls.add(new ToolCall(c.id, c.name,
                c.arguments.length() == 0 ? emptyArguments : c.arguments.toString())));
        String t = text.toString();
        return new ModelResponse(provider, answeredModel != null ? answeredModel : model, t, toolCalls, finish, null,
                HttpProvider.usage(promptTokens, completionTokens, request, t, model), 0);
    }
}
