package dev.braid.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * One local server speaking three providers' real wire formats, recording what each receives:
 * Anthropic ({@code POST /v1/messages}, JSON or SSE), Gemini ({@code POST /v1beta/models/{m}:generateContent}
 * and {@code :streamGenerateContent?alt=sse}) and Ollama ({@code POST /api/chat}, JSON or NDJSON). A request
 * offering tools gets a call to its first tool with {@code {"city":"Paris"}} (streamed in two pieces where
 * the format streams arguments); otherwise the last user text comes back. Usage: 11 prompt and 7
 * completion tokens, reported as each provider reports them.
 */
final class ProviderFakes implements AutoCloseable {

    static final long PROMPT = 11;
    static final long COMPLETION = 7;
    static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> anthropic = new CopyOnWriteArrayList<>();
    final List<JsonNode> gemini = new CopyOnWriteArrayList<>();
    final List<JsonNode> ollama = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    ProviderFakes() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/messages", this::anthropic);
        server.createContext("/v1beta/models/", this::gemini);
        server.createContext("/api/chat", this::ollama);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "provider-fakes");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        return JSON.readTree(ex.getRequestBody().readAllBytes());
    }

    private static String toolName(JsonNode tools, String... path) {
        JsonNode t = tools.path(0);
        for (String p : path) {
            t = t.path(p);
        }
        return t.asText();
    }

    private void anthropic(HttpExchange ex) throws IOException {
        JsonNode b = body(ex);
        anthropic.add(b);
        boolean tools = b.path("tools").size() > 0;
        String text = lastText(b.path("messages"));
        if (!b.path("stream").asBoolean()) {
            String content = tools
                    ? "[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"" + toolName(b.get("tools"), "name") + "\",\"input\":{\"city\":\"Paris\"}}]"
                    : "[{\"type\":\"text\",\"text\":" + JSON.writeValueAsString(text) + "}]";
            send(ex, "application/json", "{\"id\":\"msg_up\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":"
                    + content + ",\"stop_reason\":\"" + (tools ? "tool_use" : "end_turn") + "\",\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":" + PROMPT + ",\"output_tokens\":" + COMPLETION + "}}");
            return;
        }
        StringBuilder sse = new StringBuilder();
        sse.append(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_up\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[],\"model\":\"claude\",\"stop_reason\":null,\"usage\":{\"input_tokens\":" + PROMPT + ",\"output_tokens\":1}}}"));
        if (tools) {
            sse.append(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\","
                    + "\"id\":\"toolu_1\",\"name\":\"" + toolName(b.get("tools"), "name") + "\",\"input\":{}}}"));
            sse.append(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}"));
            sse.append(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}"));
        } else {
            sse.append(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            sse.append(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                    + JSON.writeValueAsString(text) + "}}"));
        }
        sse.append(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        sse.append(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + (tools ? "tool_use" : "end_turn")
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + COMPLETION + "}}"));
        sse.append(event("message_stop", "{\"type\":\"message_stop\"}"));
        send(ex, "text/event-stream", sse.toString());
    }

    private void gemini(HttpExchange ex) throws IOException {
        JsonNode b = body(ex);
        gemini.add(b);
        boolean tools = b.path("tools").size() > 0;
        JsonNode contents = b.path("contents");
        String text = contents.path(contents.size() - 1).path("parts").path(0).path("text").asText();
        String part = tools
                ? "{\"functionCall\":{\"name\":\"" + b.at("/tools/0/functionDeclarations/0/name").asText() + "\",\"args\":{\"city\":\"Paris\"}}}"
                : "{\"text\":" + JSON.writeValueAsString(text) + "}";
        String frame = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[" + part + "]},\"finishReason\":\"STOP\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":" + PROMPT + ",\"candidatesTokenCount\":" + COMPLETION + "}}";
        if (ex.getRequestURI().toString().contains("streamGenerateContent")) {
            send(ex, "text/event-stream", "data: " + frame + "\r\n\r\n");
        } else {
            send(ex, "application/json", frame);
        }
    }

    private void ollama(HttpExchange ex) throws IOException {
        JsonNode b = body(ex);
        ollama.add(b);
        boolean tools = b.path("tools").size() > 0;
        String text = lastText(b.path("messages"));
        String message = tools
                ? "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\""
                        + toolName(b.get("tools"), "function", "name") + "\",\"arguments\":{\"city\":\"Paris\"}}}]}"
                : "{\"role\":\"assistant\",\"content\":" + JSON.writeValueAsString(text) + "}";
        String done = "{\"model\":\"llama\",\"message\":" + (b.path("stream").asBoolean() ? "{\"role\":\"assistant\",\"content\":\"\"}" : message)
                + ",\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":" + PROMPT + ",\"eval_count\":" + COMPLETION + "}";
        if (b.path("stream").asBoolean()) {
            send(ex, "application/x-ndjson", "{\"model\":\"llama\",\"message\":" + message + ",\"done\":false}\n" + done + "\n");
        } else {
            send(ex, "application/json", done);
        }
    }

    private static String lastText(JsonNode messages) {
        JsonNode last = messages.path(messages.size() - 1).path("content");
        return last.isTextual() ? last.asText() : last.path(0).path("text").asText();
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static void send(HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
