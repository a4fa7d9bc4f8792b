package dev.braid.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A Braid server with access control on, and a JDK client that sends a chosen key (or none). */
public final class KeyServer implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String ADMIN = "bk_live_TestAdminKey0000000000000000000000000000";

    public final EmbeddedServer server;
    public final URI base;
    public final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeyServer(EmbeddedServer server) {
        this.server = server;
        this.base = URI.create(server.getURL().toString());
    }

    public static KeyServer start(Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.pipelines.shipped", false);
        p.putAll(extra);
        return new KeyServer(ApplicationContext.run(EmbeddedServer.class, p, "test"));
    }

    public HttpResponse<String> send(String method, String path, String key, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            r.header("Content-Type", contentType);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        return send("GET", path, key, null, null);
    }

    public HttpResponse<String> post(String path, String key, String json) throws IOException, InterruptedException {
        return send("POST", path, key, "application/json", json);
    }

    public HttpResponse<String> invoke(String pipeline, String key) throws IOException, InterruptedException {
        return post("/v1/pipelines/" + pipeline + "/invoke", key,
                "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}");
    }

    /** Creates a key as the admin; returns the 201 body (with the secret). */
    public JsonNode createKey(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/keys", ADMIN, body);
        if (r.statusCode() != 201) {
            throw new AssertionError("creating a key: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public String secret(String role) throws IOException, InterruptedException {
        return createKey("{\"name\":\"" + role + "-key\",\"role\":\"" + role + "\"}").path("key").asText();
    }

    public static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    public <T> T bean(Class<T> type) {
        return server.getApplicationContext().getBean(type);
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
