package dev.braid.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The exact bytes of /v1/chat/completions: JSON shape, SSE framing, errors, and that chunks are not buffered. */
@MicronautTest(environments = "openai")
class ChatWireTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String model, String text, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]" + extra + "}";
    }

    static JsonNode error(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertTrue(error.has("type") && error.has("message") && error.has("param"), response.body());
        return error;
    }

    @Test
    void aCompletionHasOpenAisShapeFieldForField() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", chat("mock/any", "hello wire", ""));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode root = JSON.readTree(response.body());
        List<String> fields = new ArrayList<>();
        root.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("id", "object", "created", "model", "system_fingerprint", "choices", "usage"), fields);
        assertTrue(root.get("id").asText().matches("chatcmpl-[A-Za-z0-9]{29}"), root.toString());
        assertEquals("chat.completion", root.get("object").asText());
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(now - root.get("created").asLong()) < 60, "created is epoch seconds: " + root);
        assertEquals("mock/any", root.get("model").asText(), "the model as requested");
        assertTrue(root.get("system_fingerprint").isNull());
        JsonNode choice = root.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertEquals("hello wire", choice.get("message").get("content").asText());
        assertTrue(choice.get("message").get("refusal").isNull());
        assertFalse(choice.get("message").has("tool_calls"), "no tool_calls field without tool calls");
        assertTrue(choice.get("logprobs").isNull());
        assertEquals("stop", choice.get("finish_reason").asText());
        JsonNode usage = root.get("usage");
        assertTrue(usage.get("prompt_tokens").asLong() > 0, usage.toString());
        assertTrue(usage.get("completion_tokens").asLong() > 0, usage.toString());
        assertEquals(usage.get("prompt_tokens").asLong() + usage.get("completion_tokens").asLong(),
                usage.get("total_tokens").asLong());
    }

    @Test
    void everyIdIsNew() throws Exception {
        String a = JSON.readTree(post("/v1/chat/completions", chat("mock/any", "x", "")).body()).get("id").asText();
        String b = JSON.readTree(post("/v1/chat/completions", chat("mock/any", "x", "")).body()).get("id").asText();
        assertNotEquals(a, b);
    }

    @Test
    void aStreamIsDataFramesRoleFirstFinishThenDoneAndNoUsageFieldWithoutIncludeUsage() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions",
                chat("test-fast", "one two three", ",\"stream\":true"));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<Sse.Frame> frames = Sse.frames(response.body());
        assertTrue(frames.stream().allMatch(f -> f.event() == null), "data-only frames: " + response.body());
        assertEquals("[DONE]", frames.get(frames.size() - 1).data());
        List<JsonNode> chunks = chunks(frames);
        JsonNode first = chunks.get(0);
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("", first.at("/choices/0/delta/content").asText());
        assertTrue(first.at("/choices/0/finish_reason").isNull());
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks.subList(1, chunks.size() - 1)) {
            assertFalse(c.at("/choices/0/delta").has("role"), "only the first chunk has the role: " + c);
            text.append(c.at("/choices/0/delta/content").asText());
            assertTrue(c.at("/choices/0/finish_reason").isNull());
        }
        assertEquals("one two three", text.toString());
        assertTrue(chunks.size() >= 5, "the mock streams word by word: " + chunks.size() + " chunks");
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals(0, last.at("/choices/0/delta").size(), "the finish chunk has an empty delta: " + last);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        String id = first.get("id").asText();
        for (JsonNode c : chunks) {
            assertEquals(id, c.get("id").asText(), "one id for the whole stream");
            assertEquals("test-fast", c.get("model").asText());
            assertFalse(c.has("usage"), "no usage field without include_usage: " + c);
        }
    }

    @Test
    void includeUsageAddsOneChunkWithEmptyChoicesBeforeDoneAndNullUsageEverywhereElse() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions",
                chat("mock/any", "count these words", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertEquals(200, response.statusCode(), response.body());
        List<Sse.Frame> frames = Sse.frames(response.body());
        assertEquals("[DONE]", frames.get(frames.size() - 1).data());
        List<JsonNode> chunks = chunks(frames);
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertEquals(0, usageChunk.get("choices").size(), "choices is []: " + usageChunk);
        assertTrue(usageChunk.get("choices").isArray());
        JsonNode usage = usageChunk.get("usage");
        assertTrue(usage.get("prompt_tokens").asLong() > 0 && usage.get("completion_tokens").asLong() > 0, usage.toString());
        assertEquals(usage.get("prompt_tokens").asLong() + usage.get("completion_tokens").asLong(),
                usage.get("total_tokens").asLong());
        // the same call unstreamed counts the same tokens (LiteLLM #36114: streamed usage undercounted)
        JsonNode unstreamed = JSON.readTree(post("/v1/chat/completions", chat("mock/any", "count these words", "")).body());
        // the stream's usage also carries Braid's cost (its headers went out before the cost was known)
        assertTrue(usage.get("cost_usd").isNumber(), usage.toString());
        ObjectNode tokens = usage.deepCopy();
        tokens.remove("cost_usd");
        assertEquals(unstreamed.get("usage"), tokens);
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertTrue(c.has("usage") && c.get("usage").isNull(), "every other chunk has usage: null: " + c);
            assertEquals(1, c.get("choices").size());
        }
        assertEquals("stop", chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText());
    }

    @Test
    void aProviderFailureMidStreamIsOneErrorFrameAndNoDone() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions",
                chat("test-breaks", "alpha beta gamma delta", ",\"stream\":true"));
        assertEquals(200, response.statusCode(), "the stream had started: " + response.body());
        List<Sse.Frame> frames = Sse.frames(response.body());
        Sse.Frame last = frames.get(frames.size() - 1);
        assertFalse(frames.stream().anyMatch(f -> f.data().equals("[DONE]")), "an interrupted stream has no [DONE]");
        JsonNode error = JSON.readTree(last.data()).get("error");
        assertEquals("provider_error", error.get("code").asText(), last.data());
        assertEquals("upstream_error", error.get("type").asText());
        assertTrue(error.has("message") && error.has("param"));
        List<JsonNode> chunks = chunks(frames.subList(0, frames.size() - 1));
        assertEquals(3, chunks.size(), "role chunk and the two deltas before the break: " + response.body());
        assertEquals("alpha beta", chunks.get(1).at("/choices/0/delta/content").asText()
                + chunks.get(2).at("/choices/0/delta/content").asText());
    }

    @Test
    void aFailureBeforeTheFirstDeltaIsAPlainHttpError() throws Exception {
        error(post("/v1/chat/completions", chat("test-down", "hi", ",\"stream\":true")), 502, "provider_error");
    }

    @Test
    void anAliasWithOn5xxAnswersA429InsteadOfFallingBack() throws Exception {
        error(post("/v1/chat/completions", chat("test-strict", "hi", "")), 429, "provider_rate_limited");
        HttpResponse<String> lenient = post("/v1/chat/completions", chat("test-lenient", "hi", ""));
        assertEquals(200, lenient.statusCode(), lenient.body());
        assertTrue(lenient.body().contains("\"content\":\"hi\""), "the same targets without on: fall back to the spare");
    }

    @Test
    void theFirstChunkArrivesLongBeforeTheStreamEnds() throws Exception {
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chat("test-slow", "a b c d e f", ",\"stream\":true")))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        List<Long> contentAt = new ArrayList<>();
        long doneAt = -1;
        for (String line : (Iterable<String>) response.body()::iterator) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                contentAt.add(ms);
            }
            if (line.equals("data: [DONE]")) {
                doneAt = ms;
            }
        }
        // six words 250 ms apart: the stream lasts at least 1.25 s; unbuffered, the first word is out a second earlier
        assertEquals(6, contentAt.size(), contentAt.toString());
        assertTrue(doneAt >= 1250, "done at " + doneAt);
        assertTrue(contentAt.get(0) < doneAt - 750, "first content at " + contentAt.get(0) + " ms, done at " + doneAt);
        assertTrue(contentAt.get(3) - contentAt.get(0) >= 500, "later chunks keep arriving apart: " + contentAt);
    }

    @Test
    void anUnknownModelIs404ModelNotFound() throws Exception {
        JsonNode e = error(post("/v1/chat/completions", chat("nope/gpt-9", "hi", "")), 404, "model_not_found");
        assertEquals("invalid_request_error", e.get("type").asText());
        error(post("/v1/chat/completions", chat("pipeline/no-such-pipeline", "hi", "")), 404, "model_not_found");
        error(post("/v1/chat/completions", chat("plain-name", "hi", ",\"stream\":true")), 404, "model_not_found");
    }

    @Test
    void badBodiesAre400WithTheFieldAtFault() throws Exception {
        error(post("/v1/chat/completions", "{not json"), 400, "invalid_json");
        assertEquals("messages", error(post("/v1/chat/completions", "{\"model\":\"mock/any\"}"), 400, "invalid_request")
                .get("param").asText());
        assertEquals("model", error(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                400, "invalid_request").get("param").asText());
        assertEquals("messages[0].role", error(post("/v1/chat/completions",
                "{\"model\":\"mock/any\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"), 400, "invalid_request")
                .get("param").asText());
        assertEquals("messages[0].content", error(post("/v1/chat/completions",
                "{\"model\":\"mock/any\",\"messages\":[{\"role\":\"user\",\"content\":42}]}"), 400, "invalid_request")
                .get("param").asText());
        assertEquals("stop", error(post("/v1/chat/completions", chat("mock/any", "x", ",\"stop\":7")), 400, "invalid_request")
                .get("param").asText());
        assertEquals("n", error(post("/v1/chat/completions", chat("mock/any", "x", ",\"n\":2")), 400, "invalid_request")
                .get("param").asText());
        assertEquals("stream", error(post("/v1/chat/completions", chat("mock/any", "x", ",\"stream\":\"yes\"")), 400,
                "invalid_request").get("param").asText());
        // token ids are an input (issue 16); a mix of ids and texts is not
        error(post("/v1/embeddings", "{\"model\":\"mock/any\",\"input\":[1,\"a\"]}"), 400, "invalid_request");
        error(post("/v1/embeddings", "{\"model\":\"pipeline/chat-echo\",\"input\":\"x\"}"), 400, "invalid_request");
        error(post("/v1/embeddings", "{\"model\":\"nope/x\",\"input\":\"x\"}"), 404, "model_not_found");
    }

    @Test
    void unknownFieldsAreIgnoredAndEveryDocumentedShapeIsAccepted() throws Exception {
        String body = """
                {"model":"mock/any","n":1,"user":"u-1","seed":7,"logit_bias":{},"parallel_tool_calls":true,
                 "temperature":0.2,"max_completion_tokens":50,"max_tokens":60,"stop":["\\n\\n","END"],
                 "response_format":{"type":"text"},
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}],
                 "tool_choice":"auto",
                 "messages":[
                   {"role":"developer","content":"be brief"},
                   {"role":"system","content":[{"type":"text","text":"and kind"}]},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"found"},
                   {"role":"user","content":[{"type":"text","text":"last "},{"type":"text","text":"words"}]}]}
                """;
        HttpResponse<String> response = post("/v1/chat/completions", body);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("last words", JSON.readTree(response.body()).at("/choices/0/message/content").asText());
        assertEquals("stop", error(post("/v1/chat/completions", chat("mock/any", "x", ",\"stop\":[1]")), 400,
                "invalid_request").get("param").asText());
    }

    @Test
    void stopAsAStringIsAccepted() throws Exception {
        assertEquals(200, post("/v1/chat/completions", chat("mock/any", "x", ",\"stop\":\"END\"")).statusCode());
    }

    static List<JsonNode> chunks(List<Sse.Frame> frames) throws Exception {
        List<JsonNode> chunks = new ArrayList<>();
        for (Sse.Frame f : frames) {
            if (!f.data().equals("[DONE]")) {
                chunks.add(JSON.readTree(f.data()));
            }
        }
        return chunks;
    }
}
