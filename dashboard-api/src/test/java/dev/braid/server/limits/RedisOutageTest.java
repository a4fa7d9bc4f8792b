package dev.braid.server.limits;

import dev.braid.server.access.CountingUpstream;
import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis going away under a running instance: a key with limits is refused at once with 503
 * {@code limits_unavailable} (a budget must hold, so no unmetered calls), a key without limits and
 * the response cache carry on (a failed lookup is a miss), and once Redis is back the limited key
 * is served again. Runs a private {@code redis-server} on a free port, never the shared one.
 */
class RedisOutageTest {

    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: cached-outage
            input:
              properties:
                text: { type: string }
            steps:
              - id: ask
                model:
                  task: chat
                  targets: [{ provider: openai, model: gpt-4o-mini }]
                  prompt: { user: "{{input.text}}" }
                  cache: { ttl: 1m }
            """;
    private static final String BODY = "{\"input\":{\"text\":\"is redis there?\"}}";

    @Test
    void aLimitedKeyIsRefusedWith503WhileRedisIsDownAndServedAgainWhenItIsBack() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        try (CountingUpstream upstream = new CountingUpstream(12, 3, 0);
                KeyServer server = KeyServer.start(Map.of(
                        "braid.redis.uri", "redis://127.0.0.1:" + port,
                        "braid.redis.command-timeout", "300ms",
                        "braid.providers.openai.type", "openai",
                        "braid.providers.openai.base-url", upstream.baseUrl(),
                        "braid.providers.openai.api-key", "sk-fake"))) {
            assertEquals(201, server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN, "application/yaml", YAML)
                    .statusCode());
            String limited = server.createKey("{\"name\":\"limited\",\"role\":\"invoker\",\"requestsPerMinute\":1000}")
                    .path("key").asText();
            String budgeted = server.createKey("{\"name\":\"budgeted\",\"role\":\"invoker\",\"usdPerMonth\":5}")
                    .path("key").asText();
            String unlimited = server.secret("invoker");
            assertEquals(200, server.post("/v1/pipelines/cached-outage/invoke", limited, BODY).statusCode());
            assertEquals(1, upstream.calls.get());

            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            long t0 = System.nanoTime();
            HttpResponse<String> refused = server.post("/v1/pipelines/cached-outage/invoke", limited, BODY);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(503, refused.statusCode(), refused.body());
            JsonNode error = KeyServer.json(refused).path("error");
            assertEquals("limits_unavailable", error.path("code").asText());
            assertEquals("upstream_error", error.path("type").asText());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertTrue(ms < 10_000, "refused without waiting on Redis: " + ms + " ms");
            // a budget reserved by the chat front door (no rate limit, so the filter lets it reach the controller)
            HttpResponse<String> chat = server.post("/v1/chat/completions", budgeted,
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(503, chat.statusCode(), chat.body());
            assertEquals("limits_unavailable", KeyServer.json(chat).path("error").path("code").asText());
            assertEquals(1, upstream.calls.get(), "nothing unmetered went upstream");

            // no limits: Redis is not asked for admission; the cache lookup fails, which is a miss
            HttpResponse<String> served = server.post("/v1/pipelines/cached-outage/invoke", unlimited, BODY);
            assertEquals(200, served.statusCode(), served.body());
            assertEquals(2, upstream.calls.get(), "the cache miss went to the provider");

            redis = startRedis(port);
            long deadline = System.currentTimeMillis() + 30_000;
            int status;
            do {
                Thread.sleep(200);
                status = server.post("/v1/pipelines/cached-outage/invoke", limited, BODY).statusCode();
            } while (status != 200 && System.currentTimeMillis() < deadline);
            assertEquals(200, status, "Lettuce reconnects and the limited key is served again");
        } finally {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process startRedis(int port) throws IOException, InterruptedException {
        File binary = new File("/usr/bin/redis-server");
        assertTrue(binary.canExecute(), "redis-server is installed by scripts/test-services.sh");
        Process p = new ProcessBuilder(binary.getPath(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("redis-server did not start on port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
