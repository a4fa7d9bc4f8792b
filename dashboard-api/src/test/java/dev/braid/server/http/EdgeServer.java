package dev.braid.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * A Braid server for the attack tests: access control on with an admin key, an optional fresh
 * database (H2 or PostgreSQL), every log event captured, and clients that send exactly the bytes
 * a test chooses (JDK HTTP for ordinary calls, a raw socket for what the JDK client will not send).
 */
final class EdgeServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "bk_live_EdgeAdminKey00000000000000000000000000000";

    final EmbeddedServer server;
    final URI base;
    final TestDatabase database;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    private EdgeServer(TestDatabase database, Map<String, Object> extra) {
        this.database = database;
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.pipelines.shipped", false);
        if (database != null) {
            p.putAll(database.properties());
        }
        p.putAll(extra);
        try {
            this.server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        } catch (RuntimeException e) {
            root.detachAppender(logs);
            throw e;
        }
        this.base = URI.create(server.getURL().toString());
    }

    static EdgeServer start(TestDatabase database, Map<String, Object> extra) {
        return new EdgeServer(database, extra);
    }

    int port() {
        return server.getPort();
    }

    HttpResponse<String> send(String method, String path, String key, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        if (body != null && contentType != null) {
            r.header("Content-Type", contentType);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> admin(String method, String path, String json) throws IOException, InterruptedException {
        return send(method, path, ADMIN, "application/json", json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** Creates a key as the admin and returns its secret. */
    String key(String json) throws IOException, InterruptedException {
        HttpResponse<String> r = admin("POST", "/api/keys", json);
        if (r.statusCode() != 201) {
            throw new AssertionError("creating a key: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("key").asText();
    }

    /** One request over a fresh socket, exactly these bytes; returns what came back until the server closed or 5 s passed. */
    String raw(byte[] request) throws IOException {
        return raw(request, 5000);
    }

    /** As {@link #raw(byte[])}, waiting at most {@code timeoutMs} between reads (a kept-alive answer ends that way). */
    String raw(byte[] request, int timeoutMs) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                got.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            // what arrived so far is the answer
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** Log events captured since the server started (all loggers). */
    List<ILoggingEvent> logEvents() {
        synchronized (logs) {
            return List.copyOf(logs.list);
        }
    }

    void clearLogs() {
        synchronized (logs) {
            logs.list.clear();
        }
    }

    /** Events an operator would page on: ERROR, or anything carrying a stack trace. */
    List<ILoggingEvent> alarming() {
        return logEvents().stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
                .toList();
    }

    static String describe(List<ILoggingEvent> events) {
        StringBuilder s = new StringBuilder();
        for (ILoggingEvent e : events.subList(0, Math.min(5, events.size()))) {
            s.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(": ").append(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                s.append(" [").append(e.getThrowableProxy().getClassName()).append(": ")
                        .append(e.getThrowableProxy().getMessage()).append(']');
            }
            s.append('\n');
        }
        return s.toString();
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    <T> T bean(Class<T> type) {
        return server.getApplicationContext().getBean(type);
    }

    @Override
    public void close() {
        try {
            server.getApplicationContext().close();
        } finally {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        }
    }
}
