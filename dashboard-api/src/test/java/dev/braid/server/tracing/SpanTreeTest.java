package dev.braid.server.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A 3-branch pipeline gives one trace: invocation → steps → parallel branches (run on Camel's
 * multicast threads) → model calls, with GenAI attributes and no prompt or completion text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpanTreeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PIPELINE = """
            apiVersion: braid/v1
            kind: Pipeline
            name: three-way
            input:
              required: [text]
              properties:
                text: { type: string }
            steps:
              - id: fan
                parallel:
                  branches:
                    - id: a
                      model: { task: chat, targets: [{ provider: mock, model: m-a, delay: 20ms }], prompt: { user: "{{input.text}}" } }
                    - id: b
                      model: { task: chat, targets: [{ provider: mock, model: m-b }], prompt: { user: "{{input.text}}" } }
                    - id: c
                      model: { task: sentiment, targets: [{ provider: local, model: lexicon }], text: "{{input.text}}" }
              - id: join
                aggregate: { jsonata: '{"a": steps.a.text, "b": steps.b.text, "mood": steps.c.label}' }
            """;

    /** A guard whose classifier is the offline mock judge. */
    static final String JUDGED = """
            apiVersion: braid/v1
            kind: Pipeline
            name: judged
            steps:
              - id: check
                guard: { classifier: { targets: [{ provider: mock, model: judge }] } }
            """;

    EmbeddedServer server;
    InMemorySpanExporter spans;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("braid-spans-");
        Files.writeString(dir.resolve("three-way.yaml"), PIPELINE);
        Files.writeString(dir.resolve("judged.yaml"), JUDGED);
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.pipelines.dir", dir.toString());
        p.put("braid.test.in-memory-spans", true);
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        spans = server.getApplicationContext().getBean(InMemorySpanExporter.class);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        spans.reset();
    }

    JsonNode invoke(String traceparent) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/pipelines/three-way/invoke"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"text\":\"secret words I love\"}}"));
        if (traceparent != null) {
            r.header("traceparent", traceparent);
        }
        HttpResponse<String> response = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The finished spans by name, waiting briefly: the root ends on the completing thread after the answer. */
    Map<String, SpanData> byName(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (spans.getFinishedSpanItems().size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<SpanData> items = spans.getFinishedSpanItems();
        Map<String, SpanData> map = items.stream().collect(Collectors.toMap(SpanData::getName, s -> s, (x, y) -> x));
        assertEquals(items.size(), map.size(), "span names are unique here: " + items);
        return map;
    }

    @Test
    void threeBranchesMakeOneTreeAcrossThreads() throws Exception {
        JsonNode envelope = invoke(null);
        // invoke, fan, a, b, c, join, and one model span per branch
        Map<String, SpanData> s = byName(9);
        assertEquals(9, s.size(), s.keySet().toString());
        SpanData root = s.get("invoke three-way");
        assertNotNull(root, s.keySet().toString());
        assertFalse(root.getParentSpanContext().isValid(), "the invocation is the root");
        String trace = root.getTraceId();
        s.values().forEach(span -> assertEquals(trace, span.getTraceId(), span.getName()));

        assertParent(root, s.get("step fan"));
        assertParent(root, s.get("step join"));
        for (String branch : List.of("a", "b", "c")) {
            assertParent(s.get("step fan"), s.get("step " + branch));
        }
        SpanData chatA = s.get("chat m-a");
        SpanData chatB = s.get("chat m-b");
        SpanData mood = s.get("sentiment lexicon");
        assertNotNull(chatA, s.keySet().toString());
        assertNotNull(mood, s.keySet().toString());
        assertParent(s.get("step a"), chatA);
        assertParent(s.get("step b"), chatB);
        assertParent(s.get("step c"), mood);

        assertEquals("mock", chatA.getAttributes().get(AttributeKey.stringKey("gen_ai.system")));
        assertEquals("chat", chatA.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")));
        assertEquals("m-a", chatA.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")));
        assertEquals("m-a", chatA.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")));
        JsonNode stepA = null;
        for (JsonNode step : envelope.get("steps")) {
            if ("a".equals(step.get("id").asText())) {
                stepA = step;
            }
        }
        assertNotNull(stepA);
        assertEquals(stepA.get("usage").get("promptTokens").asLong(),
                chatA.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
        assertEquals(stepA.get("usage").get("completionTokens").asLong(),
                chatA.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")));
        assertEquals(List.of("stop"), chatA.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")));
        // content stays out unless braid.tracing.record-content
        for (SpanData span : s.values()) {
            assertNull(span.getAttributes().get(AttributeKey.stringKey("gen_ai.completion")), span.getName());
            assertFalse(span.getAttributes().toString().contains("secret words"), span.getName());
        }
        // the branches ran concurrently on other threads, yet each found its parent
        assertTrue(s.get("step a").getEndEpochNanos() > s.get("step b").getStartEpochNanos());
    }

    @Test
    void aCallersTraceparentIsTheParent() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentId = "00f067aa0ba902b7";
        invoke("00-" + traceId + "-" + parentId + "-01");
        SpanData root = byName(9).get("invoke three-way");
        assertEquals(traceId, root.getTraceId());
        assertEquals(parentId, root.getParentSpanId());
    }

    @Test
    void aDirectModelCallIsOneClientSpan() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"mock/direct\",\"messages\":[{\"role\":\"user\",\"content\":\"secret words\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode usage = JSON.readTree(r.body()).get("usage");
        SpanData span = byName(1).get("chat mock/direct");
        assertNotNull(span);
        assertFalse(span.getParentSpanContext().isValid());
        assertEquals("mock", span.getAttributes().get(AttributeKey.stringKey("gen_ai.system")));
        assertEquals("direct", span.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")));
        assertEquals(usage.get("prompt_tokens").asLong(),
                span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
        assertEquals(usage.get("completion_tokens").asLong(),
                span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")));
        assertFalse(span.getAttributes().toString().contains("secret words"));
    }

    @Test
    void aGuardClassifiersJudgeIsAChatSpanUnderItsStep() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/pipelines/judged/invoke"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"text\":\"secret words I love\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode check = JSON.readTree(r.body()).get("steps").get(0);
        Map<String, SpanData> s = byName(3);
        assertEquals(3, s.size(), s.keySet().toString());
        SpanData judge = s.get("chat judge");
        assertParent(s.get("invoke judged"), s.get("step check"));
        assertParent(s.get("step check"), judge);
        assertEquals("mock", judge.getAttributes().get(AttributeKey.stringKey("gen_ai.system")));
        assertEquals(check.get("usage").get("promptTokens").asLong(),
                judge.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
        for (SpanData span : s.values()) {
            assertFalse(span.getAttributes().toString().contains("secret words"), span.getName());
        }
    }

    static void assertParent(SpanData parent, SpanData child) {
        assertNotNull(parent);
        assertNotNull(child);
        assertEquals(parent.getSpanId(), child.getParentSpanId(), child.getName() + " under " + parent.getName());
        assertTrue(SpanId.isValid(child.getSpanId()));
    }
}
