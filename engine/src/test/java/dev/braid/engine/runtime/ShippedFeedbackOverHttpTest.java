package dev.braid.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.braid.components.model.openai.OpenAiProvider;
import dev.braid.components.model.openai.OpenAiSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code pipelines/customer-feedback.yaml} with its mock targets pointed at the OpenAI
 * provider, which talks real HTTP and the real JSON wire format to a local fake OpenAI server.
 */
class ShippedFeedbackOverHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    static final List<JsonNode> upstream = new CopyOnWriteArrayList<>();
    static HttpServer fake;
    static PipelineRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/v1/chat/completions", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            upstream.add(body);
            boolean vision = body.toString().contains("\"image_url\"");
            String content = vision ? "The box is dented on one corner." : "We are sorry about your order.";
            String answer = JSON.writeValueAsString(Map.of(
                    "id", "chatcmpl-1", "object", "chat.completion", "created", 1, "model", body.path("model").asText(),
                    "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                            "message", Map.of("role", "assistant", "content", content))),
                    "usage", Map.of("prompt_tokens", 12, "completion_tokens", 7, "total_tokens", 19)));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        fake.start();
        String base = "http://127.0.0.1:" + fake.getAddress().getPort() + "/v1";
        runtime = new PipelineRuntime(new RuntimeSettings(
                List.of(new OpenAiProvider(new OpenAiSettings("openai", base, "sk-test", null))),
                Set.of("log"), Duration.ofSeconds(5)));
        String shipped = Files.readString(Path.of("..", "pipelines", "customer-feedback.yaml"));
        assertTrue(shipped.contains("provider: mock"), "the shipped pipeline changed: rewrite this test");
        runtime.deploy(shipped.replace("provider: mock", "provider: openai"), 1);
        runtime.activate("customer-feedback", 1);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        fake.stop(0);
    }

    @Test
    void allThreeBranchesRunOverRealHttp() throws Exception {
        InvocationResult r = runtime.invoke("customer-feedback", Map.of(
                        "text", "The box arrived broken and this is terrible. Write to jane@example.com",
                        "image", IMAGE), null)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        Map<?, ?> out = (Map<?, ?>) r.output();
        assertEquals("We are sorry about your order.", out.get("reply"));
        assertEquals("The box is dented on one corner.", out.get("photo"));
        assertEquals("negative", out.get("sentiment"));

        assertEquals(2, upstream.size(), upstream.toString());
        JsonNode chat = upstream.stream().filter(b -> !b.toString().contains("image_url")).findFirst().orElseThrow();
        JsonNode vision = upstream.stream().filter(b -> b.toString().contains("image_url")).findFirst().orElseThrow();
        assertEquals("support-primary", chat.path("model").asText());
        assertEquals("system", chat.path("messages").get(0).path("role").asText());
        String userText = chat.path("messages").get(1).path("content").toString();
        assertTrue(userText.contains("<EMAIL_1>"), userText);
        assertFalse(upstream.toString().contains("jane@example.com"), "the mask step runs before any provider");
        JsonNode parts = vision.path("messages").get(0).path("content");
        assertEquals("vision", vision.path("model").asText());
        assertEquals(IMAGE, findImageUrl(parts), parts.toString());
    }

    private static String findImageUrl(JsonNode parts) {
        for (JsonNode p : parts) {
            if ("image_url".equals(p.path("type").asText())) {
                return p.path("image_url").path("url").asText();
            }
        }
        return null;
    }
}
