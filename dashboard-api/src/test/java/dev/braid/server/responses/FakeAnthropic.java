package dev.braid.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local server speaking Anthropic's Messages API ({@code POST /v1/messages}, JSON and SSE) with
 * usage no tokenizer would produce ({@value #INPUT_TOKENS} in, {@value #OUTPUT_TOKENS} out), so a
 * test can tell the provider's counts from an estimate.
 *
 * <p>Answers: with tools and no {@code tool_result} in the last message, the text {@code "Let me
 * check."} then a {@code tool_use} of the first tool with {@code {"city":"Paris"}} (streamed as two
 * {@code input_json_delta}s); with a {@code tool_result} last, {@code "tool said: <its content>"};
 * else the last user text. Model {@code fail-midstream} streams one text delta then an
 * {@code error} event ({@code overloaded_error}).
 */
final class FakeAnthropic implements AutoCloseable {

    static final String KEY = "sk-ant-test-SECRET-1a2b3c";
    static final long INPUT_TOKENS = 321;
    static final long OUTPUT_TOKENS = 45;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every request body received, in order. */
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeAnthropic() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/messages", this::messages);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-anthropic");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    Map<String, Object> providerProperties(String name) {
        Map<String, Object> p = new HashMap<>();
        String prefix = "braid.providers." + name + ".";
        p.put(prefix + "type", "anthropic");
        p.put(prefix + "base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        p.put(prefix + "api-key", KEY);
        return p;
    }

    JsonNode last() {
        return requests.get(requests.size() - 1);
    }

    private void messages(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        requests.add(body);
        if (!KEY.equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
            send(exchange, 401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
            return;
        }
        String model = body.path("model").asText();
        JsonNode lastMessage = body.path("messages").path(body.path("messages").size() - 1);
        String toolResult = null;
        String userText = "";
        if (lastMessage.path("content").isTextual()) {
            userText = lastMessage.path("content").asText();
        } else {
            for (JsonNode block : lastMessage.path("content")) {
                if ("tool_result".equals(block.path("type").asText())) {
                    JsonNode c = block.path("content");
                    toolResult = c.isTextual() ? c.asText() : c.path(0).path("text").asText();
                } else if ("text".equals(block.path("type").asText())) {
                    userText = block.path("text").asText();
                }
            }
        }
        boolean callTool = body.path("tools").size() > 0 && toolResult == null;
        String text = callTool ? "Let me check." : toolResult != null ? "tool said: " + toolResult : userText;
        String tool = callTool ? body.path("tools").path(0).path("name").asText() : null;
        if (!body.path("stream").asBoolean()) {
            ObjectNode root = head(model);
            root.putArray("content").addObject().put("type", "text").put("text", text);
            if (tool != null) {
                ObjectNode use = ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("content")).addObject()
                        .put("type", "tool_use").put("id", "toolu_up_1").put("name", tool);
                use.putObject("input").put("city", "Paris");
            }
            root.put("stop_reason", tool != null ? "tool_use" : "end_turn");
            root.putObject("usage").put("input_tokens", INPUT_TOKENS).put("output_tokens", OUTPUT_TOKENS);
            send(exchange, 200, JSON.writeValueAsString(root));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            ObjectNode start = JSON.createObjectNode().put("type", "message_start");
            ObjectNode message = head(model);
            message.putArray("content");
            message.putNull("stop_reason");
            message.putObject("usage").put("input_tokens", INPUT_TOKENS).put("output_tokens", 1);
            start.set("message", message);
            event(out, "message_start", start);
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
            blockStart.putObject("content_block").put("type", "text").put("text", "");
            event(out, "content_block_start", blockStart);
            for (int i = 0; i < text.length(); i += 4) {
                ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                d.putObject("delta").put("type", "text_delta").put("text", text.substring(i, Math.min(text.length(), i + 4)));
                event(out, "content_block_delta", d);
                if ("fail-midstream".equals(model)) {
                    ObjectNode error = JSON.createObjectNode().put("type", "error");
                    error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
                    event(out, "error", error);
                    return;
                }
            }
            event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
            if (tool != null) {
                ObjectNode useStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 1);
                useStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_up_1").put("name", tool)
                        .putObject("input");
                event(out, "content_block_start", useStart);
                for (String part : List.of("{\"city\":", "\"Paris\"}")) {
                    ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 1);
                    d.putObject("delta").put("type", "input_json_delta").put("partial_json", part);
                    event(out, "content_block_delta", d);
                }
                event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 1));
            }
            ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
            delta.putObject("delta").put("stop_reason", tool != null ? "tool_use" : "end_turn").putNull("stop_sequence");
            delta.putObject("usage").put("output_tokens", OUTPUT_TOKENS);
            event(out, "message_delta", delta);
            event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        } catch (IOException e) {
            // the client left
        }
    }

    private static ObjectNode head(String model) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "msg_upstream");
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", model);
        return root;
    }

    private static void event(OutputStream out, String name, JsonNode data) throws IOException {
        out.write(("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
