package dev.braid.components.model.anthropic;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns an Anthropic Messages SSE stream into unified deltas.
 *
 * <p>Usage is split by Anthropic: {@code message_start} carries {@code input_tokens}, each
 * {@code message_delta} a cumulative {@code output_tokens}. The final usage is the input from the
 * start plus the LAST output count (replaced, never added up). {@code ping} and unknown events are
 * ignored; {@code event: error} fails the stream; a body that ends before {@code message_stop}
 * fails with "stream ended early", and a {@code message_stop} without a {@code message_start} is a
 * malformed answer. An {@code input_json_delta} for a block that was never started
 * is a malformed stream, not a crash.
 */
final class AnthropicStreamDecoder implements LineSink<ModelResponse> {

    /** One content block by its stream index; {@code toolIndex} ≥ 0 for tool calls. */
    private record Block(String type, int toolIndex, boolean answer) {}

    private final String provider;
    private final List<String> secrets;
    private final Optional<String> answerTool;
    private final StreamAccumulator answer;
    private final SseDecoder sse = new SseDecoder(this::event);
    private final Map<Integer, Block> blocks = new HashMap<>();
    private long inputTokens = -1;
    private long outputTokens = -1;
    private boolean answered;
    private boolean started;
    private boolean done;

    AnthropicStreamDecoder(String provider, String model, ModelRequest request, Consumer<ModelDelta> sink, List<String> secrets) {
        this.provider = provider;
        this.secrets = secrets;
        this.answerTool = AnthropicWire.answerTool(request);
        // a tool_use without any input_json_delta had no input: "{}", as in a buffered answer
        this.answer = new StreamAccumulator(provider, model, request, sink).emptyArgumentsAs("{}");
    }

    @Override
    public void line(String line) {
        sse.line(line);
    }

    private void event(SseEvent e) {
        if (done) {
            return;
        }
        JsonNode data;
        try {
            data = ProviderJson.MAPPER.readTree(e.data());
        } catch (Exception ex) {
            throw ProviderErrors.malformed(provider, "stream event is not JSON");
        }
        String type = "message".equals(e.event()) ? data.path("type").asText("") : e.event();
        switch (type) {
            case "message_start" -> {
                started = true;
                JsonNode message = data.path("message");
                answer.answeredModel(message.path("model").asText(null));
                JsonNode usage = message.path("usage");
                inputTokens = AnthropicWire.inputTokens(usage);
                outputTokens = ProviderJson.count(usage, "output_tokens");
            }
            case "content_block_start" -> start(data.path("index").asInt(), data.path("content_block"));
            case "content_block_delta" -> delta(data.path("index").asInt(), data.path("delta"));
            case "message_delta" -> {
                String reason = data.path("delta").path("stop_reason").asText(null);
                if (reason != null && answer.finishReason() == null) {
                    answer.finish(answered && answer.toolCalls() == 0 ? "stop" : AnthropicWire.finishReason(reason));
                }
                JsonNode usage = data.path("usage");
                long out = ProviderJson.count(usage, "output_tokens");
                if (out >= 0) {
                    outputTokens = out; // cumulative: the last one is the total
                }
                long in = AnthropicWire.inputTokens(usage);
                if (in >= 0) {
                    inputTokens = in; // newer API versions repeat the cumulative input here
                }
            }
            case "message_stop" -> done = true;
            case "error" -> {
                JsonNode err = data.path("error");
                throw ProviderErrors.midStream(provider, AnthropicWire.statusOf(err.path("type").asText(null)),
                        err.path("message").asText(null), secrets);
            }
            default -> { } // ping, content_block_stop and event types added later
        }
    }

    private void start(int index, JsonNode block) {
        String type = block.path("type").asText("");
        if ("tool_use".equals(type)) {
            String name = block.path("name").asText(null);
            boolean isAnswer = answerTool.isPresent() && answerTool.get().equals(name);
            Block b = new Block(type, isAnswer ? -1 : answer.toolCalls(), isAnswer);
            blocks.put(index, b);
            if (isAnswer) {
                answered = true;
            } else {
                answer.toolFragment(b.toolIndex(), block.path("id").asText(null), name, "");
            }
        } else {
            blocks.put(index, new Block(type, -1, false));
            if ("text".equals(type) && !block.path("text").asText("").isEmpty()) {
                answer.text(block.get("text").asText());
            }
        }
    }

    private void delta(int index, JsonNode delta) {
        switch (delta.path("type").asText("")) {
            case "text_delta" -> answer.text(delta.path("text").asText(""));
            case "input_json_delta" -> {
                Block b = blocks.get(index);
                if (b == null || !"tool_use".equals(b.type())) {
                    throw ProviderErrors.malformed(provider, "input_json_delta for block " + index + " without content_block_start");
                }
                String part = delta.path("partial_json").asText("");
                if (b.answer()) {
                    answer.text(part); // the forced answer tool's input is the answer text
                } else if (!part.isEmpty()) {
                    answer.toolFragment(b.toolIndex(), null, null, part);
                }
            }
            default -> { } // thinking_delta, signature_delta: not part of the answer
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
        if (!started) {
            // message_stop without a message_start: no message was ever sent
            throw ProviderErrors.malformed(provider, "stream without message_start");
        }
        return answer.response(inputTokens, outputTokens);
    }
}
