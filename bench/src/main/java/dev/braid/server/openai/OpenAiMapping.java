package dev.braid.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The OpenAI front door's own work per request, outside HTTP: bytes → {@link ChatCompletionRequest}
 * → {@link ModelRequest}, and an answer → the {@code chat.completion} JSON bytes. Lives in the front
 * door's package because those classes are package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class OpenAiMapping {

    private ObjectMapper json;
    private byte[] requestBytes;

    @Setup(Level.Trial)
    public void setUp() {
        json = new ObjectMapper();
        requestBytes = ("{\"model\":\"openai/gpt-4o-mini\",\"temperature\":0.2,\"max_tokens\":256,\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You answer customers of ACME politely.\"},"
                + "{\"role\":\"user\",\"content\":\"The lamp arrived cracked and I am really disappointed.\"},"
                + "{\"role\":\"assistant\",\"content\":\"I am sorry to hear that. Could you send a photo?\"},"
                + "{\"role\":\"user\",\"content\":\"Sure, here it is. Please refund me.\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public ModelRequest readRequest() throws Exception {
        JsonNode body = json.readTree(requestBytes);
        return ChatCompletionRequest.read(body, json).toModelRequest();
    }

    @Benchmark
    public byte[] writeCompletion() throws Exception {
        ChatWire wire = new ChatWire(json, "openai/gpt-4o-mini");
        return json.writeValueAsBytes(wire.completion("I am sorry about the lamp; a replacement is on its way.", List.of(),
                "stop", Usage.of(41, 12, 0.0001, false)));
    }
}
