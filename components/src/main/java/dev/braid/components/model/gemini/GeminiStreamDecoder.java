package dev.braid.components.model.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.ModelDelta;
import dev.braid.components.model.ModelRequest;
import dev.braid.components.model.ModelResponse;
import dev.braid.components.model.ToolCall;
import dev.braid.components.model.http.HttpProvider;
import dev.braid.components.model.http.LineSink;
import dev.braid.components.model.http.ProviderErrors;
import dev.braid.components.model.http.ProviderJson;
import dev.braid.components.model.http.SseDecoder;
import dev.braid.components.model.http.SseEvent;
import java.util.ArrayList;
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
    private final String model;
    private final ModelRequest request;
    private final Consumer<ModelDelta> sink;
    private final List<String> secrets;
    private final SseDecoder sse = new SseDecoder(this::event);
    private final StringBuilder text = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private JsonNode usage;
    private String answeredModel;
    private String finish;

    GeminiStreamDecoder(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink, List<String> secrets) {
        this.provider = provider;
        this.model = model;
        this.request = request;
        this.sink = sink;
        this.secrets = secrets;
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
            answeredModel = frame.get("modelVersion").asText();
        }
        JsonNode candidate = frame.path("candidates").path(0);
        GeminiWire.Parts parts = GeminiWire.parts(candidate, calls.size());
        if (!parts.text().isEmpty()) {
            text.append(parts.text());
            sink.accept(new ModelDelta.Text(parts.text()));
        }
        for (ToolCall c : parts.calls()) {
            sink.accept(new ModelDelta.ToolCallFragment(calls.size(), c.id(), c.name(), c.arguments()));
            calls.add(c);
        }
        if (frame.hasNonNull("usageMetadata")) {
            usage = frame.get("usageMetadata"); // cumulative: replace
        }
        String reason = candidate.path("finishReason").asText(null);
        if (reason == null && candidate.isMissingNode() && frame.path("promptFeedback").has("blockReason")) {
            reason = "SAFETY";
        }
        if (reason != null && finish == null) {
            finish = GeminiWire.finishReason(reason, !calls.isEmpty());
            sink.accept(new ModelDelta.Finish(finish));
        }
    }

    @Override
    public ModelResponse end() {
        sse.end();
        if (finish == null) {
            throw ProviderErrors.endedEarly(provider);
        }
        String t = text.toString();
        return new ModelResponse(provider, answeredModel != null ? answeredModel : model, t, calls, finish, null,
                HttpProvider.usage(ProviderJson.count(usage, "promptTokenCount"), GeminiWire.completionTokens(usage),
                        request, t, model), 0);
    }
}
