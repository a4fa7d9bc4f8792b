package dev.braid.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JDK HTTP against the embedded server: tests see exactly the bytes a caller gets. */
public final class Client {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Client(URL base) {
        this.base = URI.create(base.toString());
    }

    /** Every request goes through here: once API keys exist, the key header is added in this one place. */
    public HttpRequest.Builder request(String path) {
        return authorize(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)));
    }

    public static HttpRequest.Builder authorize(HttpRequest.Builder request) {
        return request;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> postYaml(String path, String yaml) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)));
    }

    /** Deploys and activates; fails the test unless the server accepted it. */
    public JsonNode deploy(String yaml) throws IOException, InterruptedException {
        HttpResponse<String> r = postYaml("/api/pipelines?activate=true", yaml);
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw new AssertionError("deploy failed: " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    public HttpResponse<String> invoke(String pipeline, String inputJson) throws IOException, InterruptedException {
        return postJson("/v1/pipelines/" + pipeline + "/invoke", "{\"input\":" + inputJson + "}");
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
