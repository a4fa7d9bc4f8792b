package dev.braid.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.engine.runtime.PipelineRuntime;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One Braid server on a test database, with a plain JDK HTTP client: tests see the bytes a caller gets. */
final class RegistryServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final EmbeddedServer server;
    final URI base;
    final HttpClient client;

    private RegistryServer(EmbeddedServer server) {
        this.server = server;
        this.base = URI.create(server.getURL().toString());
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Starts a server on {@code db}, deploying {@code pipelinesDir}'s files at first start, with {@code extra} settings. */
    static RegistryServer start(TestDatabase db, Path pipelinesDir, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.pipelines.dir", pipelinesDir.toString());
        p.put("braid.runtime.drain-timeout", "2s");
        p.put("braid.registry.reconcile-interval", "1s");
        p.put("braid.registry.pinned-idle-timeout", "1s");
        p.putAll(extra);
        return new RegistryServer(ApplicationContext.run(EmbeddedServer.class, p, "test"));
    }

    PipelineRuntime runtime() {
        return server.getApplicationContext().getBean(PipelineRuntime.class);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    HttpResponse<String> deploy(String yaml, String query) throws IOException, InterruptedException {
        return send(request("/api/pipelines" + (query.isEmpty() ? "" : "?" + query))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)));
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder r = request(path);
        if (json == null) {
            r.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            r.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(r);
    }

    HttpResponse<String> invoke(String name, Integer version) throws IOException, InterruptedException {
        String body = version == null ? "{\"input\":{}}" : "{\"input\":{},\"version\":" + version + "}";
        return post("/v1/pipelines/" + name + "/invoke", body);
    }

    /** Invokes the active version and returns the marker its output carries, checking it matches the envelope. */
    int invokedMarker(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = invoke(name, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals(body.path("version").asInt(), body.path("output").path("v").asInt(), r.body());
        return body.path("output").path("v").asInt();
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
