package dev.braid.server.releases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One Braid server on a test database with short release intervals, and a plain JDK HTTP client. */
final class ReleaseServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final EmbeddedServer server;
    final URI base;
    final HttpClient client;

    private ReleaseServer(EmbeddedServer server) {
        this.server = server;
        this.base = URI.create(server.getURL().toString());
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    static ReleaseServer start(TestDatabase db, Map<String, Object> extra) throws IOException {
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.pipelines.dir", Files.createTempDirectory("braid-rel-seeds-").toString());
        p.put("braid.runtime.drain-timeout", "2s");
        p.put("braid.registry.reconcile-interval", "1s");
        p.put("braid.releases.evaluate-interval", "200ms");
        p.put("braid.releases.reload-interval", "500ms");
        p.put("braid.usage.flush-interval", "100ms");
        p.putAll(extra);
        return new ReleaseServer(ApplicationContext.run(EmbeddedServer.class, p, "test"));
    }

    <T> T bean(Class<T> type) {
        return server.getApplicationContext().getBean(type);
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

    /** Invokes {@code name} unpinned, with {@code X-User: user} when user is not null. */
    HttpResponse<String> invoke(String name, String user) throws IOException, InterruptedException {
        HttpRequest.Builder r = request("/v1/pipelines/" + name + "/invoke")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}"));
        if (user != null) {
            r.header("X-User", user);
        }
        return send(r);
    }

    HttpResponse<String> invokePinned(String name, int version) throws IOException, InterruptedException {
        return post("/v1/pipelines/" + name + "/invoke", "{\"input\":{},\"version\":" + version + "}");
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** A pipeline whose version N outputs {"v": N} (and {"text": "vN"}, for chat), optionally through a mock model. */
    static String pipeline(String name, int marker) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: out
                    transform: { jsonata: '{"v": %d, "text": "v%d"}' }
                """.formatted(name, marker, marker);
    }

    /** Version {@code marker} calling a mock model with {@code targetOptions} (e.g. "failWith: 500"), then marking. */
    static String modelPipeline(String name, int marker, String targetOptions) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: ask
                    model:
                      task: chat
                      targets: [{ provider: mock, model: m%d%s }]
                      retries: 0
                      prompt: { user: "hello" }
                  - id: out
                    transform: { jsonata: '{"v": %d, "text": "v%d"}' }
                """.formatted(name, marker, targetOptions.isEmpty() ? "" : ", " + targetOptions, marker, marker);
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
