package dev.braid.components.model.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalProviderTest {

    private final LocalProvider local = new LocalProvider();

    private static ModelResponse get(CompletionStage<ModelResponse> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void lexiconServesSentiment() throws Exception {
        ModelResponse r = get(local.call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("Terrible, slow service")),
                Target.of("local", "lexicon")));
        assertEquals("negative", r.fields().get("label"));
        assertEquals("local", r.provider());
        assertEquals("lexicon", r.model());
        assertTrue(r.usage().promptTokens() > 0);
    }

    @Test
    void sentimentReadsTheLastUserMessageWhenThereAreNoInputs() throws Exception {
        ModelRequest req = new ModelRequest(ModelTask.SENTIMENT, List.of(Message.user("I love it")), null, null, null);
        assertEquals("positive", get(local.call(req, Target.of("local", "lexicon"))).fields().get("label"));
    }

    @Test
    void keywordsServeModeration() throws Exception {
        ModelResponse r = get(local.call(ModelRequest.ofInputs(ModelTask.MODERATION, List.of("I will kill you")),
                Target.of("local", "keywords")));
        assertEquals(true, r.fields().get("flagged"));
    }

    @Test
    void anythingElseIsModelNotFound() {
        for (var call : List.of(
                local.call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("x")), Target.of("local", "vader")),
                local.call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("x")), Target.of("local", "keywords")),
                local.call(ModelRequest.chat(List.of(Message.user("x"))), Target.of("local", "lexicon")),
                local.call(ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("x")), Target.of("local", "lexicon")))) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> call.toCompletableFuture().get(5, TimeUnit.SECONDS));
            ModelException.ModelNotFound nf = assertInstanceOf(ModelException.ModelNotFound.class, e.getCause());
            assertEquals(404, nf.status());
        }
    }
}
