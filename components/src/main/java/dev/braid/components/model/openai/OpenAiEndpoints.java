package dev.braid.components.model.openai;

import dev.braid.components.model.api.ModelTask;
import java.net.URI;
import java.util.Map;

/**
 * Where an OpenAI-wire call goes and how it authenticates: {@code baseUrl/<operation>} with a
 * bearer token for OpenAI and compatible servers; Azure OpenAI supplies deployment URLs and an
 * {@code api-key} header instead.
 */
public interface OpenAiEndpoints {

    /** @param operation {@code chat/completions}, {@code embeddings} or {@code moderations} */
    URI uri(String operation, String model);

    /** Auth headers (never logged). */
    Map<String, String> headers();

    /** Whether the endpoint offers the task's API (Azure has no {@code /moderations}). */
    default boolean serves(ModelTask task) {
        return true;
    }

    static OpenAiEndpoints of(OpenAiSettings settings) {
        return new OpenAiEndpoints() {
            @Override
            public URI uri(String operation, String model) {
                return URI.create(settings.baseUrl() + "/" + operation);
            }

            @Override
            public Map<String, String> headers() {
                String key = settings.apiKey();
                return key == null || key.isEmpty() ? Map.of() : Map.of("authorization", "Bearer " + key);
            }
        };
    }
}
