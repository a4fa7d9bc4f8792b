package dev.braid.server.enrich;

import dev.braid.server.Client;
import static dev.braid.server.Client.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Enrich targets over the real API: literal forbidden hosts fail the deploy with line and column,
 * templated ones are refused per request before any connection, the allowlisted local server
 * answers, and neither a redirect nor an oversized answer gets through.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrichSsrfTest implements TestPropertyProvider {

    /** The allowlisted server: answers JSON, redirects, or floods. */
    final HttpServer allowed = server();
    /** A server on loopback that nobody opened: must never be hit. */
    final HttpServer forbidden = server();
    final AtomicInteger forbiddenHits = new AtomicInteger();

    @Inject
    EmbeddedServer server;

    Client client;

    EnrichSsrfTest() {
        allowed.createContext("/data", ex -> answer(ex, 200, "{\"tier\":\"gold\"}"));
        allowed.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + forbidden.getAddress().getPort() + "/data");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        allowed.createContext("/flood", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to judge by
            try (OutputStream out = ex.getResponseBody()) {
                byte[] block = ("\"" + "x".repeat(8190) + "\",").getBytes(StandardCharsets.UTF_8);
                out.write('[');
                for (int i = 0; i < 400; i++) { // ~3 MiB
                    out.write(block);
                }
                out.write("1]".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // Braid hung up once it had read enough
            }
        });
        allowed.createContext("/big", ex -> answer(ex, 200, "[\"" + "y".repeat(2 * 1024 * 1024) + "\"]"));
        forbidden.createContext("/", ex -> {
            forbiddenHits.incrementAndGet();
            answer(ex, 200, "{\"secret\":true}");
        });
        allowed.start();
        forbidden.start();
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("braid.enrich.allowed-hosts", "127.0.0.1:" + allowed.getAddress().getPort());
    }

    @BeforeEach
    void client() {
        client = new Client(server.getURL());
    }

    @AfterAll
    void stop() {
        allowed.stop(0);
        forbidden.stop(0);
    }

    static String pipeline(String name, String url) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: lookup
                    enrich: { url: "%s" }
                """.formatted(name, url);
    }

    @Test
    void literalForbiddenTargetsFailTheDeployWithLineAndColumn() throws Exception {
        int port = forbidden.getAddress().getPort();
        List<String> urls = List.of(
                "http://169.254.169.254/latest/meta-data/",
                "http://127.0.0.1:" + port + "/data",
                "http://localhost:" + port + "/data",
                "http://localhost.:" + port + "/data",
                "http://LOCALHOST./x",
                "http://[::1]:" + port + "/data",
                "http://[::ffff:127.0.0.1]/x",
                "http://[fd00:ec2::254]/latest",
                "http://metadata.google.internal/computeMetadata/v1/",
                "http://10.1.2.3/x",
                "http://172.16.0.1/x",
                "http://192.168.1.1/x",
                "http://100.64.0.1/x",
                "http://0.0.0.0/x",
                "http://[fe80::1]/x",
                "http://224.0.0.1/x",
                "http://2130706433/x",
                "http://127.1/x",
                "http://0x7f.1/x",
                "http://0177.0.0.1/x");
        for (String url : urls) {
            for (String path : List.of("/api/pipelines", "/api/pipelines/validate")) {
                HttpResponse<String> r = client.postYaml(path, pipeline("ssrf-literal", url));
                assertEquals(422, r.statusCode(), url + " → " + r.body());
                JsonNode first = json(r).get("error").get("errors").get(0);
                assertEquals(6, first.get("line").asInt(), r.body());
                assertEquals("steps[0].enrich.url", first.get("path").asText(), r.body());
                assertTrue(first.get("message").asText().contains("enrich target refused"), r.body());
            }
        }
        assertEquals(404, client.send(client.request("/api/pipelines/ssrf-literal").GET()).statusCode());
    }

    /** A name {@code /etc/hosts} maps to loopback resolves to it: refused at validate by the run-time policy's own lookup. */
    @Test
    void aNameThatResolvesToLoopbackFailsTheDeployWithLineAndColumn() throws Exception {
        java.util.Optional<String> name = loopbackNameInEtcHosts();
        org.junit.jupiter.api.Assumptions.assumeTrue(name.isPresent(), "no name other than localhost maps to 127.x in /etc/hosts");
        for (String path : List.of("/api/pipelines/validate", "/api/pipelines")) {
            HttpResponse<String> r = client.postYaml(path, pipeline("ssrf-hosts-file", "http://" + name.get() + ":"
                    + forbidden.getAddress().getPort() + "/data"));
            assertEquals(422, r.statusCode(), name.get() + " → " + r.body());
            JsonNode first = json(r).get("error").get("errors").get(0);
            assertEquals(6, first.get("line").asInt(), r.body());
            assertEquals(20, first.get("column").asInt(), r.body());
            assertTrue(first.get("message").asText().contains("'" + name.get() + "' is refused (loopback)"), r.body());
        }
        assertEquals(0, forbiddenHits.get());
    }

    /** A name that resolves nowhere now may exist where the pipeline runs: validate accepts it, each call checks again. */
    @Test
    void aNameThatDoesNotResolveAtValidateIsLeftToTheCall() throws Exception {
        HttpResponse<String> unresolved = client.postYaml("/api/pipelines/validate",
                pipeline("ssrf-unresolved", "http://braid-test.invalid/x"));
        assertEquals(200, unresolved.statusCode(), unresolved.body());
    }

    private static java.util.Optional<String> loopbackNameInEtcHosts() throws IOException {
        java.nio.file.Path hosts = java.nio.file.Path.of("/etc/hosts");
        if (!java.nio.file.Files.isReadable(hosts)) {
            return java.util.Optional.empty();
        }
        for (String line : java.nio.file.Files.readAllLines(hosts)) {
            String[] parts = line.replaceAll("#.*", "").trim().split("\\s+");
            if (parts.length < 2 || !parts[0].startsWith("127.")) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                String n = parts[i].toLowerCase(java.util.Locale.ROOT);
                if (!n.equals("localhost") && !n.endsWith(".localhost") && n.matches("[a-z0-9.-]+")) {
                    return java.util.Optional.of(n);
                }
            }
        }
        return java.util.Optional.empty();
    }

    @Test
    void theAllowlistedHostDeploysAndAnswers() throws Exception {
        client.deploy(pipeline("ssrf-allowed", "http://127.0.0.1:" + allowed.getAddress().getPort() + "/data"));
        HttpResponse<String> r = client.invoke("ssrf-allowed", "{}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("gold", json(r).at("/output/tier").asText());
    }

    @Test
    void templatedTargetsAreCheckedOnEveryCallBeforeAnyConnection() throws Exception {
        int port = forbidden.getAddress().getPort();
        // the host is only known at request time, so these deploy; each call is refused instead
        client.deploy(pipeline("ssrf-octet", "http://127.0.0.{{input.octet}}:" + port + "/data"));
        client.deploy(pipeline("ssrf-name", "http://{{input.host}}:" + port + "/data"));
        client.deploy(pipeline("ssrf-port", "http://localhost:{{input.port}}/data"));
        List<HttpResponse<String>> answers = List.of(
                client.invoke("ssrf-octet", "{\"octet\":\"1\"}"),
                client.invoke("ssrf-name", "{\"host\":\"localhost\"}"),
                client.invoke("ssrf-name", "{\"host\":\"vm\"}"),          // /etc/hosts: resolves to 127.0.0.1
                client.invoke("ssrf-name", "{\"host\":\"0x7f.1\"}"),      // no such name for the JDK
                client.invoke("ssrf-port", "{\"port\":\"" + port + "\"}"));
        for (HttpResponse<String> r : answers) {
            // the pipeline's target, not a provider: 422 pipeline_error (the CLI's exit 8), never 502 upstream_error
            assertEquals(422, r.statusCode(), r.body());
            JsonNode error = json(r).get("error");
            assertEquals("enrich_refused", error.get("code").asText(), r.body());
            assertEquals("pipeline_error", error.get("type").asText(), r.body());
            assertTrue(error.get("message").asText().contains("enrich step 'lookup'"), r.body());
        }
        assertEquals(0, forbiddenHits.get(), "no refused target was ever connected to");
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        client.deploy(pipeline("ssrf-redirect", "http://127.0.0.1:" + allowed.getAddress().getPort() + "/redirect"));
        HttpResponse<String> r = client.invoke("ssrf-redirect", "{}");
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("enrich_failed", json(r).at("/error/code").asText());
        assertTrue(json(r).at("/error/message").asText().contains("HTTP 302"), r.body());
        assertEquals(0, forbiddenHits.get(), "the redirect's forbidden target was never called");
    }

    @Test
    void anOversizedAnswerFailsTheStepChunkedOrWithContentLength() throws Exception {
        for (String path : List.of("flood", "big")) {
            client.deploy(pipeline("ssrf-" + path, "http://127.0.0.1:" + allowed.getAddress().getPort() + "/" + path));
            HttpResponse<String> r = client.invoke("ssrf-" + path, "{}");
            assertEquals(502, r.statusCode(), r.body());
            assertEquals("enrich_failed", json(r).at("/error/code").asText(), r.body());
            assertTrue(json(r).at("/error/message").asText().contains("larger than 1048576 bytes"), r.body());
        }
    }

    private static HttpServer server() {
        try {
            return HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
