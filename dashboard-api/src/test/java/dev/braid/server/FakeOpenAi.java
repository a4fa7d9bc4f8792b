package dev.braid.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server tests' one OpenAI upstream: a local server speaking OpenAI's Chat Completions and
 * Embeddings wire format (JSON and SSE), with usage numbers no tokenizer would produce, so a test
 * can tell passed-through usage from counted.
 *
 * <p>Chat echoes the last user message; streamed, it sends it in 3-character pieces (splitting any
 * placeholder; a message starting {@code slow:} pauses between pieces), puts usage on a final chunk
 * with {@code "choices": null} as vLLM does, then {@code [DONE]}. A request with tools gets a tool
 * call instead; a guard classifier's request (response format {@code prompt_injection_verdict}) gets
 * a verdict: 0.97 when the text mentions "exfiltrate", else 0.03. The answer names the requested
 * model (as OpenAI's does), so Braid prices it as it would the real one. Some model names fail on purpose: {@code fail-401} answers like OpenAI does to a bad
 * key (quoting the key, as OpenAI does in part), {@code fail-500} quotes the prompt in its error,
 * {@code fail-quota} answers 429 {@code insufficient_quota} byte for byte as OpenAI does to an account
 * without quota, {@code fail-empty} answers 200 with an empty body, {@code slow} answers after 3 s.
 */
public final class FakeOpenAi implements AutoCloseable {

    /** The key the fake accepts; its middle ({@code SECRET-9f8e}) lets a test find partial leaks. */
    public static final String KEY = "sk-test-SECRET-9f8e7d6c5b4a";
    public static final long PROMPT_TOKENS = 1234;
    public static final long COMPLETION_TOKENS = 56;
    public static final long EMBEDDING_TOKENS = 77;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** OpenAI's answer to a key whose account has no quota left (pretty-printed, as OpenAI sends it). */
    static final String INSUFFICIENT_QUOTA = """
            {
                "error": {
                    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                    "type": "insufficient_quota",
                    "param": null,
                    "code": "insufficient_quota"
                }
            }
            """;

    /** Every request body received, in order. */
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    /** Streams whose client went away mid-answer (a write failed). */
    public final AtomicInteger aborted = new AtomicInteger();
    private final HttpServer server;

    public FakeOpenAi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/embeddings", this::embeddings);
        // a slow stream must not hold up other requests
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-openai");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /**
     * Braid's configuration of a provider named {@code name} speaking to this fake: its type, base
     * URL and key, plus {@code extra} key/value pairs (e.g. {@code "models", "fake-gpt"}) under the
     * same provider. A mutable copy, for tests to add their own properties to.
     */
    public Map<String, String> providerProperties(String name, String... extra) {
        Map<String, String> p = new HashMap<>();
        String prefix = "braid.providers." + name + ".";
        p.put(prefix + "type", "openai");
        p.put(prefix + "base-url", baseUrl());
        p.put(prefix + "api-key", KEY);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            p.put(prefix + extra[i], extra[i + 1]);
        }
        return p;
    }

    /** Every request the upstream was ever sent, as one text. */
    public String everythingReceived() {
        return requests.toString();
    }

    private boolean authorized(HttpExchange exchange, String model) throws IOException {
        if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization")) || "fail-401".equals(model)) {
            send(exchange, 401, "application/json", "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY
                    + ".\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
            return false;
        }
        return true;
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        requests.add(body);
        String model = body.path("model").asText();
        if (!authorized(exchange, model)) {
            return;
        }
        String text = "";
        for (JsonNode m : body.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                text = m.path("content").isTextual() ? m.path("content").asText() : m.path("content").path(0).path("text").asText();
            }
        }
        if ("fail-500".equals(model)) {
            send(exchange, 500, "application/json", "{\"error\":{\"message\":\"internal error while reading: "
                    + text.replace("\"", "'") + "\",\"type\":\"server_error\"}}");
            return;
        }
        if ("fail-quota".equals(model)) {
            exchange.getResponseHeaders().set("retry-after", "20");
            send(exchange, 429, "application/json", INSUFFICIENT_QUOTA);
            return;
        }
        if ("fail-empty".equals(model)) {
            send(exchange, 200, "application/json", "");
            return;
        }
        if ("slow".equals(model)) {
            pause(3000); // an upstream that does not answer in time
        }
        boolean tools = body.path("tools").size() > 0;
        String answered = model.isEmpty() ? "fake-gpt" : model;
        if (!body.path("stream").asBoolean()) {
            ObjectNode root = head("chat.completion", answered);
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            if (tools) {
                message.putNull("content");
                ObjectNode call = message.putArray("tool_calls").addObject().put("id", "call_up_2").put("type", "function");
                call.putObject("function").put("name", "weather").put("arguments", "{\"city\":\"Paris\"}");
            } else if (judging(body)) {
                message.put("content", verdict(text));
            } else {
                message.put("content", text);
            }
            choice.put("finish_reason", tools ? "tool_calls" : "stop");
            usage(root.putObject("usage"), COMPLETION_TOKENS);
            send(exchange, 200, "application/json", JSON.writeValueAsString(root));
            return;
        }
        // "slow:" answers pause between pieces, so a client can leave mid-stream
        long pauseMs = text.startsWith("slow:") ? 150 : 0;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            ObjectNode role = head("chat.completion.chunk", answered);
            role.putArray("choices").addObject().put("index", 0).putObject("delta").put("role", "assistant").put("content", "");
            frame(out, role);
            if (tools) {
                frame(out, toolChunk(true, "{\"city\":", answered));
                frame(out, toolChunk(false, "\"Paris\"}", answered));
            } else {
                for (int i = 0; i < text.length(); i += 3) {
                    ObjectNode c = head("chat.completion.chunk", answered);
                    c.putArray("choices").addObject().put("index", 0).putObject("delta")
                            .put("content", text.substring(i, Math.min(text.length(), i + 3)));
                    frame(out, c);
                    pause(pauseMs);
                }
            }
            ObjectNode finish = head("chat.completion.chunk", answered);
            ObjectNode fc = finish.putArray("choices").addObject().put("index", 0);
            fc.putObject("delta");
            fc.put("finish_reason", tools ? "tool_calls" : "stop");
            frame(out, finish);
            ObjectNode usage = head("chat.completion.chunk", answered);
            usage.putNull("choices"); // vLLM's way
            usage(usage.putObject("usage"), COMPLETION_TOKENS);
            frame(out, usage);
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            aborted.incrementAndGet();
        }
    }

    private static void pause(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms); // test server only: a slow upstream
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A guard classifier's request: its response format names the verdict schema. */
    private static boolean judging(JsonNode body) {
        return "prompt_injection_verdict".equals(body.at("/response_format/json_schema/name").asText());
    }

    /** The judge's JSON as OpenAI returns it (a string in the content): text mentioning "exfiltrate" scores 0.97. */
    private static String verdict(String text) {
        return text.contains("exfiltrate")
                ? "{\"injection\":true,\"score\":0.97,\"reason\":\"JUDGE_REASON: asks to exfiltrate data\"}"
                : "{\"injection\":false,\"score\":0.03,\"reason\":\"JUDGE_REASON: an ordinary request\"}";
    }

    private static ObjectNode toolChunk(boolean first, String arguments, String model) {
        ObjectNode c = head("chat.completion.chunk", model);
        ObjectNode call = c.putArray("choices").addObject().put("index", 0).putObject("delta")
                .putArray("tool_calls").addObject();
        call.put("index", 0);
        if (first) {
            call.put("id", "call_up_1").put("type", "function");
            call.putObject("function").put("name", "weather").put("arguments", arguments);
        } else {
            call.putObject("function").put("arguments", arguments);
        }
        return c;
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        requests.add(body);
        if (!authorized(exchange, body.path("model").asText())) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        JsonNode input = body.path("input");
        int n = input.isArray() ? input.size() : 1;
        for (int i = 0; i < n; i++) {
            ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
            e.putArray("embedding").add(0.25 + i).add(-0.5).add(0.125);
        }
        root.put("model", body.path("model").asText());
        root.putObject("usage").put("prompt_tokens", EMBEDDING_TOKENS).put("total_tokens", EMBEDDING_TOKENS);
        send(exchange, 200, "application/json", JSON.writeValueAsString(root));
    }

    private static ObjectNode head(String object, String model) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-upstream");
        root.put("object", object);
        root.put("created", 1_700_000_000L);
        root.put("model", model);
        return root;
    }

    private static void usage(ObjectNode node, long completion) {
        node.put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", completion).put("total_tokens", PROMPT_TOKENS + completion);
    }

    private static void frame(OutputStream out, JsonNode chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length); // 0 would mean chunked
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
