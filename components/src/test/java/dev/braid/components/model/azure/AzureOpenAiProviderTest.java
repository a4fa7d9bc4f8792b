package dev.braid.components.model.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.http.Fixtures;
import dev.braid.components.model.http.HttpLimits;
import dev.braid.components.model.http.ProviderContractTest;
import dev.braid.components.model.http.WireServer.Reply;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Azure speaks OpenAI's body format: the bodies come from the OpenAI fixtures, the URLs and auth differ. */
class AzureOpenAiProviderTest extends ProviderContractTest {

    private final dev.braid.components.model.openai.OpenAiProviderTestBodies bodies =
            new dev.braid.components.model.openai.OpenAiProviderTestBodies();

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.EMBEDDINGS);
    }

    @Override
    protected ModelProvider provider(String baseUrl, HttpLimits limits) {
        return new AzureOpenAiProvider(new AzureOpenAiSettings("azure-openai", baseUrl + "/", SECRET, "2024-10-21",
                Map.of("gpt-4o-mini", "prod-mini"), limits));
    }

    @Override
    protected String model() {
        return "gpt-4o-mini";
    }

    @Override
    protected String chatAnswer(String text) {
        return bodies.chatAnswer(text);
    }

    @Override
    protected String errorBody(String message) {
        return bodies.errorBody(message);
    }

    @Override
    protected String[] authHeader() {
        return new String[] {"api-key", SECRET};
    }

    @Override
    protected String streamContentType() {
        return "text/event-stream";
    }

    @Override
    protected List<String> stream(List<String> texts) {
        return bodies.stream(texts);
    }

    @Override
    protected List<String> truncatedStream(String text) {
        return bodies.truncatedStream(text);
    }

    @Override
    protected List<String> streamWithError(String text, String message) {
        return bodies.streamWithError(text, message);
    }

    @Override
    protected List<String> answerlessChatBodies() {
        return bodies.answerlessChatBodies();
    }

    @Override
    protected List<List<String>> eventlessStreams() {
        return bodies.eventlessStreams();
    }

    @Test
    void callsTheDeploymentUrlWithApiVersionAndApiKeyHeader() {
        server.reply(Reply.json(200, chatAnswer("hi")));
        ModelResponse r = await(provider().call(hello(), target()));
        assertEquals("/openai/deployments/prod-mini/chat/completions?api-version=2024-10-21", server.last().uri());
        assertEquals(SECRET, server.last().header("api-key"));
        assertNull(server.last().header("authorization"));
        assertEquals("azure-openai", r.provider());
    }

    @Test
    void anUnlistedModelIsItsOwnDeployment() {
        server.reply(Reply.json(200, Fixtures.text(dev.braid.components.model.openai.OpenAiProviderTestBodies.class,
                "embeddings-response.json")));
        await(provider().call(ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("a", "b")),
                Target.of("azure-openai", "text-embedding-3-small")));
        assertEquals("/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21", server.last().uri());
    }

    @Test
    void oSeriesDeploymentsGetMaxCompletionTokensAndNoTemperature() {
        ModelRequest limited = new ModelRequest(ModelTask.CHAT, List.of(Message.user("Hello")),
                null, null, new GenerationOptions(0.2, 100, null, null));
        server.reply(Reply.json(200, chatAnswer("ok")));
        await(provider().call(limited, Target.of("azure-openai", "o4-mini")));
        assertEquals("/openai/deployments/o4-mini/chat/completions?api-version=2024-10-21", server.last().uri());
        assertEquals(100, server.last().json().path("max_completion_tokens").asInt());
        assertFalse(server.last().json().has("max_tokens") || server.last().json().has("temperature"), server.last().body());

        server.reply(Reply.json(200, chatAnswer("ok")));
        await(provider().call(limited, target()));
        assertEquals(100, server.last().json().path("max_tokens").asInt(), "gpt-4o-mini is a chat model: as before");
        assertEquals(0.2, server.last().json().path("temperature").asDouble());
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertFalse(AzureOpenAiSettings.of("https://x.openai.azure.com", SECRET).toString().contains(SECRET));
    }
}
