package dev.braid.components.model.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.ModelDelta;
import dev.braid.components.model.ModelRequest;
import dev.braid.components.model.ModelResponse;
import dev.braid.components.model.ToolCall;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.LineSink;
import dev.braid.components.model.http.NdjsonDecoder;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns Ollama's NDJSON chat stream into unified deltas. Counts come once, on the final
 * {@code done: true} line; a body ending without it ended early; an {@code {"error": …}} line fails
 * the stream.
 */
final class OllamaStreamDecoder implements LineSink<ModelResponse> {

    private final String provider;
    private final String model;
    private final ModelRequest request;
    private final Consumer<ModelDelta> sink;
    private final List<String> secrets;
    private final NdjsonDecoder ndjson;
    private final StringBuilder text = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private JsonNode last;
    private String finish;

    OllamaStreamDecoder(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink, List<String> secrets) {
        this.provider = provider;
        this.model = model;
        this.request = request;
        this.sink = sink;
        this.secrets = secrets;
        this.ndjson = new NdjsonDecoder(provider, this::chunk);
    }

    @Override
    public void line(String line) {
        ndjson.line(line);
    }

    private void chunk(JsonNode chunk) {
        if (finish != null) {
            return;
        }
        if (chunk.hasNonNull("error")) {
            throw ProviderErrors.midStream(provider, 500, chunk.get("error").asText(null), secrets);
        }
        JsonNode message = chunk.path("message");
        String t = message.path("content").asText("");
        if (!t.isEmpty()) {
            text.append(t);
            sink.accept(new ModelDelta.Text(t));
        }
        for (ToolCall c : OllamaWire.toolCalls(message, calls.size())) {
            sink.accept(new ModelDelta.ToolCallFragment(calls.size(), c.id(), c.name(), c.arguments()));
            calls.add(c);
        }
        if (chunk.path("done").asBoolean(false)) {
            last = chunk;
            finish = OllamaWire.finishReason(chunk.path("done_reason").asText(null), !calls.isEmpty());
            sink.accept(new ModelDelta.Finish(finish));
        }
    }

    @Override
    public boolean finished() {
        return finish != null;
    }

    @Override
    public ModelResponse end() {
        if (finish == null) {
            throw ProviderErrors.endedEarly(provider);
        }
        String t = text.toString();
        return new ModelResponse(provider, last.path("model").asText(model), t, calls, finish, null,
                HttpProvider.usage(ProviderJson.count(last, "prompt_eval_count"), ProviderJson.count(last, "eval_count"),
                        request, t, model), 0);
    }
}
