package dev.braid.components.model.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real local HTTP server on port 0 speaking whatever wire format a test scripts: replies are
 * queued (the last one repeats), every request is recorded with its headers and body, and a reply
 * may be streamed in chunks written and flushed one by one.
 */
public final class WireServer implements AutoCloseable {

    /** One request as the server received it; header names lower-case. */
    public record Recorded(String method, String uri, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return ProviderJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    /**
     * @param chunks body pieces, each written and flushed on its own
     * @param delayBeforeMs wait before sending the headers (a slow server)
     * @param delayBetweenMs wait between chunks; {@code hangAfterMs} > 0 keeps the connection open that long after the last chunk
     */
    public record Reply(int status, Map<String, String> headers, List<String> chunks, long delayBeforeMs,
            long delayBetweenMs, long hangAfterMs) {

        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("content-type", "application/json"), List.of(body), 0, 0, 0);
        }

        public static Reply stream(String contentType, List<String> chunks) {
            return new Reply(200, Map.of("content-type", contentType), chunks, 0, 0, 0);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> h = new TreeMap<>(headers);
            h.put(name, value);
            return new Reply(status, h, chunks, delayBeforeMs, delayBetweenMs, hangAfterMs);
        }

        public Reply delayedBy(long ms) {
            return new Reply(status, headers, chunks, ms, delayBetweenMs, hangAfterMs);
        }

        public Reply hangingAfter(long ms) {
            return new Reply(status, headers, chunks, delayBeforeMs, delayBetweenMs, ms);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wire-server");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedDeque<Reply> replies = new ConcurrentLinkedDeque<>();
    private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());

    private WireServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static WireServer start() {
        try {
            return new WireServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public WireServer reply(Reply reply) {
        replies.addLast(reply);
        return this;
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public Recorded last() {
        List<Recorded> all = requests();
        return all.get(all.size() - 1);
    }

    private Reply next() {
        Reply r = replies.size() > 1 ? replies.pollFirst() : replies.peekFirst();
        if (r == null) {
            return Reply.json(500, "{\"error\":{\"message\":\"no reply scripted\"}}");
        }
        return r;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
            Reply reply = next();
            pause(reply.delayBeforeMs());
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            boolean streamed = reply.chunks().size() > 1 || reply.hangAfterMs() > 0;
            byte[] whole = String.join("", reply.chunks()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), streamed ? 0 : (whole.length == 0 ? -1 : whole.length));
            OutputStream out = exchange.getResponseBody();
            if (!streamed) {
                out.write(whole);
                return;
            }
            for (String chunk : reply.chunks()) {
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
                pause(reply.delayBetweenMs());
            }
            pause(reply.hangAfterMs());
        } catch (IOException e) {
            // the client went away (a cancelled stream): nothing to answer
        }
    }

    private static void pause(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
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
