package dev.braid.server.runtime;

import dev.braid.server.access.CountingUpstream;
import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With {@code braid.redis.uri} set, a model step's {@code cache:} is shared: an answer the upstream
 * gave to one instance is a hit on another (never a second upstream call), and
 * {@code braid.response-cache.shared: false} keeps each instance's cache to itself. Uses the local
 * Redis 127.0.0.1:6379 and fails (never skips) without it. Each instance has its own H2 registry:
 * only the cache is shared.
 */
class SharedResponseCacheRedisTest {

    private static final String REDIS = System.getenv().getOrDefault("BRAID_TEST_REDIS_URI", "redis://127.0.0.1:6379");
    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: cached-ask
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

    @Test
    void anAnswerCachedByOneInstanceIsAHitOnAnother() throws Exception {
        try (CountingUpstream upstream = new CountingUpstream(12, 3, 0);
                KeyServer a = KeyServer.start(upstreamAt(upstream, Map.of("braid.redis.uri", REDIS)));
                KeyServer b = KeyServer.start(upstreamAt(upstream, Map.of("braid.redis.uri", REDIS)))) {
            deploy(a);
            deploy(b);
            // a question no earlier run asked: the Redis entry outlives a test run by its TTL
            String body = "{\"input\":{\"text\":\"shared cache " + UUID.randomUUID() + "\"}}";

            JsonNode first = invoke(a, body);
            assertEquals(1, upstream.calls.get());
            assertFalse(first.path("output").path("cached").asBoolean(false), first.toString());

            JsonNode second = invoke(b, body);
            assertEquals(1, upstream.calls.get(), "the second instance answered from Redis");
            assertTrue(second.path("output").path("cached").asBoolean(), second.toString());
            assertEquals(first.path("output").path("text"), second.path("output").path("text"));
            assertEquals(0.0, second.path("usage").path("costUsd").asDouble(), "a hit costs nothing");
        }
    }

    @Test
    void sharedFalseKeepsEachInstancesCacheToItself() throws Exception {
        Map<String, Object> local = Map.of("braid.redis.uri", REDIS, "braid.response-cache.shared", false);
        try (CountingUpstream upstream = new CountingUpstream(12, 3, 0);
                KeyServer a = KeyServer.start(upstreamAt(upstream, local));
                KeyServer b = KeyServer.start(upstreamAt(upstream, local))) {
            deploy(a);
            deploy(b);
            String body = "{\"input\":{\"text\":\"local cache " + UUID.randomUUID() + "\"}}";
            invoke(a, body);
            invoke(a, body);
            assertEquals(1, upstream.calls.get(), "a's own cache still answers a");
            JsonNode onB = invoke(b, body);
            assertEquals(2, upstream.calls.get(), "b has its own cache");
            assertFalse(onB.path("output").path("cached").asBoolean(false), onB.toString());
        }
    }

    private static Map<String, Object> upstreamAt(CountingUpstream upstream, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(extra);
        p.put("braid.providers.openai.type", "openai");
        p.put("braid.providers.openai.base-url", upstream.baseUrl());
        p.put("braid.providers.openai.api-key", "sk-fake");
        return p;
    }

    private static void deploy(KeyServer server) throws Exception {
        HttpResponse<String> r = server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN, "application/yaml", YAML);
        assertEquals(201, r.statusCode(), r.body());
    }

    private static JsonNode invoke(KeyServer server, String body) throws Exception {
        HttpResponse<String> r = server.post("/v1/pipelines/cached-ask/invoke", KeyServer.ADMIN, body);
        assertEquals(200, r.statusCode(), r.body());
        return KeyServer.json(r);
    }
}
