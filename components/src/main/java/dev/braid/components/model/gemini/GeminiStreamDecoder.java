package dev.braid.components.model.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.http.LineSink;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import dev.braid.components.model.http.SseDecoder;
import dev.braid.components.model.http.SseEvent;
import dev.braid.components.model.http.StreamAccumulator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns {@code streamGenerateContent?alt=sse} frames (each one a whole GenerateContentResponse)
 * into unified deltas. Gemini repeats the cumulative {@code usageMetadata} on frames: the last one
 * wins, never summed. A function call arrives whole in one frame, so it becomes one fragment. Gemini
 * has no terminator: a stream without any {@code finishReason} ended early. An {@code {"error":…}}
 * frame fails the stream.
 */
final class GeminiStreamDecoder implements LineSink<ModelResponse> {

    private final String provider;
    private final List<String> secrets;
    private final StreamAccumulator answer;
    private final SseDecoder sse = new SseDecoder(this::event);
    private JsonNode usage;

    GeminiStreamDecoder(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink, List<String> secrets) {
        this.provider = provider;
        this.secrets = secrets;
        this.answer = new StreamAccumulator(provider, model, request, sink);
    }

    @Override
    public void line(String line) {
        sse.line(line);
    }

    private void event(SseEvent e) {
        JsonNode frame;
        try {
            frame = ProviderJson.MAPPER.readTree(e.data());
        } catch (Exception ex) {
            throw ProviderErrors.malformed(provider, "stream frame is not JSON");
        }
        if (frame.hasNonNull("error")) {
            JsonNode err = frame.get("error");
            int code = err.path("code").asInt(500);
            throw ProviderErrors.midStream(provider, code == 429 ? 429 : (code >= 500 ? code : 500),
                    err.path("message").asText(null), secrets);
        }
        if (frame.path("modelVersion").isTextual()) {
            answer.answeredModel(frame.get("modelVersion").asText());
        }
        JsonNode candidate = frame.path("candidates").path(0);
        GeminiWire.Parts parts = GeminiWire.parts(candidate, answer.toolCalls());
        answer.text(parts.text());
        parts.calls().forEach(answer::toolCall);
        if (frame.hasNonNull("usageMetadata")) {
            usage = frame.get("usageMetadata"); // cumulative: replace
        }
        String reason = candidate.path("finishReason").asText(null);
        if (reason == null && candidate.isMissingNode() && frame.path("promptFeedback").has("blockReason")) {
            reason = "SAFETY";
        }
        if (reason != null && answer.finishReason() == null) {
            answer.finish(GeminiWire.finishReason(reason, answer.toolCalls() > 0));
        }
    }

    @Override
    public ModelResponse end() {
        sse.end();
        if (answer.finishReason() == null) {
            throw ProviderErrors.endedEarly(provider);
        }
        return answer.response(ProviderJson.count(usage, "promptTokenCount"), GeminiWire.completionTokens(usage));
    }
}
