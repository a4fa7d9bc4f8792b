package dev.braid.server.hardening;

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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local OpenAI-speaking server whose behaviour depends on the model name: {@code echo} repeats
 * the last user message (streamed in 3-character pieces), {@code fail-401} answers like OpenAI
 * does to a bad key (quoting the key, as OpenAI does in part), {@code fail-500} quotes the prompt
 * in its error, {@code slow} answers after 3 s, {@code verdict-*} answers a guard classifier.
 */
final class FakeUpstream implements AutoCloseable {

    static final String KEY = "sk-test-SECRET-9f8e7d6c5b4a";
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", this::chat);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-upstream");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Every message content the upstream was ever sent, concatenated. */
    String everythingReceived() {
        return requests.toString();
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        requests.add(body);
        String model = body.path("model").asText();
        String text = "";
        for (JsonNode m : body.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                text = m.path("content").asText();
            }
        }
        if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization")) || model.equals("fail-401")) {
            send(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY
                    + ".\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
            return;
        }
        switch (model) {
            case "fail-500" -> send(exchange, 500, "{\"error\":{\"message\":\"internal error while reading: " + text
                    .replace("\"", "'") + "\",\"type\":\"server_error\"}}");
            case "slow" -> {
                try {
                    Thread.sleep(3000); // test server only: an upstream that does not answer in time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                send(exchange, 200, completion("late"));
            }
            default -> {
                if (body.path("stream").asBoolean()) {
                    stream(exchange, text);
                } else {
                    send(exchange, 200, completion(text));
                }
            }
        }
    }

    private static String completion(String content) throws IOException {
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-up").put("object", "chat.completion")
                .put("created", 1).put("model", "up");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        root.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
        return JSON.writeValueAsString(root);
    }

    private static void stream(HttpExchange exchange, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < text.length(); i += 3) {
                ObjectNode c = JSON.createObjectNode().put("id", "chatcmpl-up").put("object", "chat.completion.chunk")
                        .put("created", 1).put("model", "up");
                c.putArray("choices").addObject().put("index", 0).putObject("delta")
                        .put("content", text.substring(i, Math.min(text.length(), i + 3)));
                out.write(("data: " + JSON.writeValueAsString(c) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
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
