package dev.braid.components.model.local;

import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.components.tokens.TokenCounter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Models that run in the JVM, offline and free: {@code lexicon} (sentiment, {@link LexiconSentiment})
 * and {@code keywords} (moderation, {@link KeywordModeration}). Any other model or task is not found.
 * The work is a few microseconds of CPU, so it answers on the calling thread.
 */
public final class LocalProvider implements ModelProvider {

    public static final String NAME = "local";
    public static final String LEXICON = "lexicon";
    public static final String KEYWORDS = "keywords";

    private final LexiconSentiment sentiment;
    private final KeywordModeration moderation;

    public LocalProvider() {
        this(LexiconSentiment.standard(), KeywordModeration.standard());
    }

    public LocalProvider(LexiconSentiment sentiment, KeywordModeration moderation) {
        this.sentiment = sentiment;
        this.moderation = moderation;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
        String model = target.model();
        List<String> inputs = inputsOf(request);
        Map<String, Object> fields = switch (request.task()) {
            case SENTIMENT -> LEXICON.equals(model) ? sentiment.fields(inputs) : null;
            case MODERATION -> KEYWORDS.equals(model) ? moderation.fields(inputs) : null;
            case CHAT, VISION, EMBEDDINGS -> null;
        };
        if (fields == null) {
            return CompletableFuture.failedFuture(new ModelException.ModelNotFound("model '" + model
                    + "' is not served by provider 'local' for task " + request.task().uriName()
                    + " (local serves lexicon for sentiment and keywords for moderation)"));
        }
        long prompt = promptTokens(request, TokenCounter.standard());
        return CompletableFuture.completedFuture(
                new ModelResponse(NAME, model, null, null, null, fields, Usage.of(prompt, 0, 0.0, false), 0));
    }

    /** The texts a sentiment, embeddings or moderation request is about: its inputs, else its last user message. */
    public static List<String> inputsOf(ModelRequest request) {
        if (!request.inputs().isEmpty()) {
            return request.inputs();
        }
        String last = request.lastUserText();
        return last.isEmpty() ? List.of() : List.of(last);
    }

    /** Tokens of every message text and every input of the request. */
    public static long promptTokens(ModelRequest request, TokenCounter counter) {
        long n = 0;
        for (Message m : request.messages()) {
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Text t) {
                    n += counter.count(t.text());
                }
            }
        }
        List<String> inputs = request.inputs();
        for (String input : inputs) {
            n += counter.count(input);
        }
        for (List<Integer> ids : request.tokenInputs()) {
            n += ids.size(); // token ids are their own count
        }
        return n;
    }

}
