package dev.braid.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK pointed at Braid: what any OpenAI client sees. */
@MicronautTest(environments = "openai")
class OpenAiSdkTest {

    @Inject
    EmbeddedServer server;

    OpenAIClient client;

    @BeforeEach
    void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(server.getURL() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    @Test
    void aChatAgainstTheMockComesBackWithTextUsageAndFinishReason() {
        ChatCompletion completion = client.chat().completions().create(ask("mock/any", "hello from the sdk").build());
        assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());
        assertEquals("mock/any", completion.model());
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals("hello from the sdk", choice.message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        CompletionUsage usage = completion.usage().orElseThrow();
        assertTrue(usage.promptTokens() > 0 && usage.completionTokens() > 0, usage.toString());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    }

    @Test
    void aStreamedChatConcatenatesToTheTextAndEndsWithUsage() {
        ChatCompletionCreateParams params = ask("mock/any", "stream these five words")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertEquals("stream these five words", text.toString());
        assertTrue(chunks.size() >= 6, "role, four words, finish, usage: " + chunks.size());
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP, finish.choices().get(0).finishReason().orElseThrow());
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        CompletionUsage usage = last.usage().orElseThrow();
        CompletionUsage unstreamed = client.chat().completions().create(ask("mock/any", "stream these five words").build())
                .usage().orElseThrow();
        assertEquals(unstreamed.promptTokens(), usage.promptTokens());
        assertEquals(unstreamed.completionTokens(), usage.completionTokens());
        assertEquals(unstreamed.totalTokens(), usage.totalTokens());
    }

    @Test
    void aChatShapedPipelineIsAModel() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("pipeline/chat-echo")
                .addSystemMessage("You echo.")
                .addUserMessage("through the pipeline")
                .build());
        assertEquals("through the pipeline", completion.choices().get(0).message().content().orElseThrow());
        assertEquals("pipeline/chat-echo", completion.model());
        assertTrue(completion.usage().orElseThrow().totalTokens() > 0, "usage is the envelope's");

        StringBuilder text = new StringBuilder();
        int contentChunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("pipeline/chat-echo", "streamed through the pipeline").build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    if (c.delta().content().filter(s -> !s.isEmpty()).isPresent()) {
                        contentChunks++;
                        text.append(c.delta().content().get());
                    }
                }
            }
        }
        assertEquals("streamed through the pipeline", text.toString());
        assertEquals(4, contentChunks, "the pipeline's stream step streams word by word");
    }

    @Test
    void theShippedAssistantStreamsWithPiiRestoredAcrossChunks() {
        String text = "Reach me at jane.doe@example.com or +44 20 7946 0958 today";
        ChatCompletion completion = client.chat().completions().create(ask("pipeline/assistant", text).build());
        assertEquals(text, completion.choices().get(0).message().content().orElseThrow(),
                "the mock saw placeholders and echoed them; the originals come back restored");

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("pipeline/assistant", text).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertEquals(text, streamed.toString());
    }

    @Test
    void modelsListProvidersAliasesAndChatShapedPipelines() {
        Set<String> ids = client.models().list().data().stream().map(Model::id).collect(Collectors.toSet());
        assertTrue(ids.contains("mock/any"), ids.toString());
        assertTrue(ids.containsAll(List.of("test-fast", "test-slow", "test-breaks", "test-down")), ids.toString());
        assertTrue(ids.contains("pipeline/chat-echo"), ids.toString());
        assertTrue(ids.contains("pipeline/assistant"), "the shipped chat-shaped pipeline: " + ids);
        assertFalse(ids.contains("pipeline/echo"), "echo does not require messages: not chat-shaped");
        assertFalse(ids.contains("pipeline/chat-breaks"), "chat-breaks takes text, not messages");
        if (System.getenv("OPENAI_API_KEY") == null) {
            assertFalse(ids.stream().anyMatch(id -> id.startsWith("openai/")), "no key, no openai models: " + ids);
        }
        Model mock = client.models().list().data().stream().filter(m -> m.id().equals("mock/any")).findFirst().orElseThrow();
        assertEquals("mock", mock.ownedBy());
        assertEquals("pipeline/chat-echo", client.models().retrieve("pipeline/chat-echo").id());
        assertEquals("braid", client.models().retrieve("test-fast").ownedBy());
        assertThrows(NotFoundException.class, () -> client.models().retrieve("pipeline/echo"));
    }

    @Test
    void embeddingsComeBackInBothEncodings() {
        CreateEmbeddingResponse defaults = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("mock/any").inputOfArrayOfStrings(List.of("first", "second")).build());
        assertEquals(2, defaults.data().size());
        assertEquals(16, defaults.data().get(0).embedding().size());
        assertEquals(1, defaults.data().get(1).index());
        assertTrue(defaults.usage().promptTokens() > 0);

        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("mock/any").input("first")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertEquals(defaults.data().get(0).embedding(), floats.data().get(0).embedding(),
                "base64 and float encodings carry the same vector");
    }

    @Test
    void anUnknownModelIsTheSdksNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> client.chat().completions().create(ask("nobody/nothing", "hi").build()));
        assertEquals(404, e.statusCode());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aStreamThatBreaksRaisesInTheSdkAfterTheDeltasBeforeIt() {
        StringBuilder text = new StringBuilder();
        SseException e = assertThrows(SseException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                    .createStreaming(ask("test-breaks", "one two three four").build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
            }
        });
        assertEquals("one two", text.toString());
        // the SDK raises the error frame's own body: code and message as Braid sent them
        assertTrue(String.valueOf(e.body()).contains("provider_error"), String.valueOf(e.body()));
    }
}
