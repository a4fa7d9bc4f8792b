package dev.braid.components.model.openai;

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
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns a Chat Completions SSE stream into unified deltas. Usage is taken from whichever chunk
 * carries a non-null {@code usage} (the final {@code choices: []} chunk OpenAI sends with
 * {@code include_usage}, or a chunk with choices, as some servers do), the last one winning, never
 * summed. {@code choices: null} is accepted. {@code data: [DONE]} ends the stream; a body that
 * ends without it fails with "stream ended early" after the deltas already sent.
 */
final class OpenAiStreamDecoder implements LineSink<ModelResponse> {

    private final String provider;
    private final String model;
    private final ModelRequest request;
    private final Consumer<ModelDelta> sink;
    private final List<String> secrets;
    private final SseDecoder sse = new SseDecoder(this::event);
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, String[]> calls = new TreeMap<>(); // index → {id, name, arguments}
    private String answeredModel;
    private String finish;
    private JsonNode usage;
    private boolean done;

    OpenAiStreamDecoder(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink, List<String> secrets) {
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
            answeredModel = chunk.get("model").asText();
        }
        for (JsonNode choice : chunk.path("choices")) { // a null or missing choices iterates nothing
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual() && !delta.get("content").asText().isEmpty()) {
                String t = delta.get("content").asText();
                text.append(t);
                sink.accept(new ModelDelta.Text(t));
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                int index = tc.path("index").asInt(calls.size());
                String id = tc.path("id").asText(null);
                String name = tc.path("function").path("name").asText(null);
                String args = tc.path("function").path("arguments").asText("");
                String[] acc = calls.computeIfAbsent(index, i -> new String[] {null, null, ""});
                if (id != null) {
                    acc[0] = id;
                }
                if (name != null) {
                    acc[1] = name;
                }
                acc[2] = acc[2] + args;
                sink.accept(new ModelDelta.ToolCallFragment(index, id, name, args));
            }
            String reason = OpenAiWire.finishReason(choice.path("finish_reason").asText(null));
            if (reason != null && finish == null) {
                finish = reason;
                sink.accept(new ModelDelta.Finish(reason));
            }
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
        List<ToolCall> toolCalls = new ArrayList<>();
        calls.values().forEach(c -> toolCalls.add(new ToolCall(c[0], c[1], c[2])));
        String t = text.toString();
        return new ModelResponse(provider, answeredModel != null ? answeredModel : model, t, toolCalls, finish, null,
                HttpProvider.usage(ProviderJson.count(usage, "prompt_tokens"), ProviderJson.count(usage, "completion_tokens"),
                        request, t, model), 0);
    }
}
