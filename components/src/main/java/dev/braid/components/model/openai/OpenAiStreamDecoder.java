package dev.braid.components.model.openai;

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
 * Turns a Chat Completions SSE stream into unified deltas. Usage is taken from whichever chunk
 * carries a non-null {@code usage} (the final {@code choices: []} chunk OpenAI sends with
 * {@code include_usage}, or a chunk with choices, as some servers do), the last one winning, never
 * summed. {@code choices: null} is accepted. {@code data: [DONE]} ends the stream; a body that
 * ends without it fails with "stream ended early" after the deltas already sent, and one that
 * reaches it without a single choice is a malformed answer, not an empty completion.
 */
final class OpenAiStreamDecoder implements LineSink<ModelResponse> {

    private final String provider;
    private final List<String> secrets;
    private final StreamAccumulator answer;
    private final SseDecoder sse = new SseDecoder(this::event);
    private JsonNode usage;
    private boolean choices;
    private boolean done;

    OpenAiStreamDecoder(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink, List<String> secrets) {
        this.provider = provider;
        this.secrets = secrets;
        this.answer = new StreamAccumulator(provider, model, request, sink);
    }

    @Override
    public void line(String line) {
        sse.line(line);
    }

    private void event(SseEvent e) {
        if (done) {
            return;
        }
        String data = e.data().strip();
        if ("[DONE]".equals(data)) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = ProviderJson.MAPPER.readTree(data);
        } catch (Exception ex) {
            throw ProviderErrors.malformed(provider, "stream frame is not JSON");
        }
        if (chunk.hasNonNull("error")) {
            JsonNode err = chunk.get("error");
            String code = err.path("code").asText(err.path("type").asText(""));
            int status = code.contains("rate_limit") ? 429 : 500;
            throw ProviderErrors.midStream(provider, status, err.path("message").asText(null), secrets);
        }
        if (chunk.path("model").isTextual()) {
            answer.answeredModel(chunk.get("model").asText());
        }
        for (JsonNode choice : chunk.path("choices")) { // a null or missing choices iterates nothing
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            choices = true;
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual()) {
                answer.text(delta.get("content").asText());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                answer.toolFragment(tc.path("index").asInt(answer.toolCalls()), tc.path("id").asText(null),
                        tc.path("function").path("name").asText(null), tc.path("function").path("arguments").asText(""));
            }
            answer.finish(OpenAiWire.finishReason(choice.path("finish_reason").asText(null)));
        }
        if (chunk.hasNonNull("usage") && chunk.get("usage").isObject()) {
            usage = chunk.get("usage");
        }
    }

    @Override
    public boolean finished() {
        return done;
    }

    @Override
    public ModelResponse end() {
        sse.end();
        if (!done) {
            throw ProviderErrors.endedEarly(provider);
        }
        if (!choices) {
            // [DONE] with no choice before it (alone, or after a usage-only chunk): nothing was answered
            throw ProviderErrors.malformed(provider, "stream without a choice");
        }
        return answer.response(ProviderJson.count(usage, "prompt_tokens"), ProviderJson.count(usage, "completion_tokens"));
    }
}
