package dev.braid.components.model.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.http.LineSink;
import dev.braid.components.model.http.NdjsonDecoder;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import dev.braid.components.model.http.StreamAccumulator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns Ollama's NDJSON chat stream into unified deltas. Counts come once, on the final
 * {@code done: true} line; a body ending without it ended early, a stream without any
 * {@code message} is malformed; an {@code {"error": …}} line fails the stream.
 */
final class OllamaStreamDecoder implements LineSink<ModelResponse> {

    private final String provider;
    private final List<String> secrets;
    private final StreamAccumulator answer;
    private final NdjsonDecoder ndjson;
    private JsonNode last;
    private boolean messages;

    OllamaStreamDecoder(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink, List<String> secrets) {
        this.provider = provider;
        this.secrets = secrets;
        this.answer = new StreamAccumulator(provider, model, request, sink);
        this.ndjson = new NdjsonDecoder(provider, this::chunk);
    }

    @Override
    public void line(String line) {
        ndjson.line(line);
    }

    private void chunk(JsonNode chunk) {
        if (last != null) {
            return;
        }
        if (chunk.hasNonNull("error")) {
            throw ProviderErrors.midStream(provider, 500, chunk.get("error").asText(null), secrets);
        }
        JsonNode message = chunk.path("message");
        messages |= message.isObject();
        answer.text(message.path("content").asText(""));
        OllamaWire.toolCalls(message, answer.toolCalls()).forEach(answer::toolCall);
        if (chunk.path("done").asBoolean(false)) {
            if (!messages) {
                // done: true without any message (Ollama's last line carries one, empty or not)
                throw ProviderErrors.malformed(provider, "stream without a message");
            }
            last = chunk;
            answer.answeredModel(chunk.path("model").asText(null));
            answer.finish(OllamaWire.finishReason(chunk.path("done_reason").asText(null), answer.toolCalls() > 0));
        }
    }

    @Override
    public boolean finished() {
        return last != null;
    }

    @Override
    public ModelResponse end() {
        if (last == null) {
            throw ProviderErrors.endedEarly(provider);
        }
        return answer.response(ProviderJson.count(last, "prompt_eval_count"), ProviderJson.count(last, "eval_count"));
    }
}
