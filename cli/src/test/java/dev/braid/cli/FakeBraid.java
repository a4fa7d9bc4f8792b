package dev.braid.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on a free loopback port that answers like Braid's documented API with canned
 * bodies, and records every request the CLI sends.
 */
final class FakeBraid implements AutoCloseable {

    record Recorded(
            String method, String path, String query, String body, String authorization, String contentType, String accept) {}

    record Canned(int status, String contentType, String body, long delayMs) {
        Canned(int status, String contentType, String body) {
            this(status, contentType, body, 0);
        }
    }

    static final String JSON = "application/json";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Function<Recorded, Canned>> answers = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();

    FakeBraid() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeBraid answer(String method, String path, int status, String contentType, String body) {
        Canned canned = new Canned(status, contentType, body);
        return answer(method, path, request -> canned);
    }

    FakeBraid answer(String method, String path, Function<Recorded, Canned> answer) {
        answers.put(method + " " + path, answer);
        return this;
    }

    List<Recorded> requests() {
        return List.copyOf(requests);
    }

    Recorded only() {
        if (requests.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + requests);
        }
        return requests.get(0);
    }

    static String error(String code, String message) {
        return "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"" + code + "\",\"message\":\"" + message
                + "\",\"param\":null}}";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Recorded request = new Recorded(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    body,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Accept"));
            requests.add(request);
            Function<Recorded, Canned> answer = answers.get(request.method() + " " + request.path());
            Canned canned = answer == null
                    ? new Canned(404, JSON, error("not_found", "no such route in the fake"))
                    : answer.apply(request);
            if (canned.delayMs() > 0) {
                Thread.sleep(canned.delayMs());
            }
            byte[] bytes = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", canned.contentType());
            exchange.sendResponseHeaders(canned.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
