package dev.braid.components.model.routing;

import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import dev.braid.components.tokens.TokenCounter;

/** Usage a provider left out, counted with the tokenizer: one place for every provider. */
final class UsageEstimator {

    private UsageEstimator() {}

    /**
     * The provider's usage, with what it left out estimated: prompt tokens (every message text part and
     * input) when it reported none for an actual answer, completion tokens (text and tool calls) when
     * it reported none for text or tool calls; {@code estimated} then. Covers adapters whose API has no
     * usage and streams whose usage frame never came (PEERS.md: interrupted or dropped usage chunks).
     */
    static Usage estimateIfMissing(ModelRequest request, ModelResponse response, String model) {
        Usage u = response.usage();
        boolean wrote = (response.text() != null && !response.text().isEmpty()) || !response.toolCalls().isEmpty();
        boolean answered = wrote || !response.fields().isEmpty();
        boolean promptMissing = u.promptTokens() == 0 && answered;
        boolean completionMissing = u.completionTokens() == 0 && wrote;
        if (!promptMissing && !completionMissing) {
            return u;
        }
        TokenCounter counter = TokenCounter.forModel(model);
        long prompt = u.promptTokens();
        if (promptMissing) {
            for (Message m : request.messages()) {
                for (ContentPart part : m.content()) {
                    if (part instanceof ContentPart.Text t) {
                        prompt += counter.count(t.text());
                    }
                }
            }
            for (String input : request.inputs()) {
                prompt += counter.count(input);
            }
        }
        long completion = u.completionTokens();
        if (completionMissing) {
            completion += counter.count(response.text());
            for (ToolCall call : response.toolCalls()) {
                completion += counter.count(call.name()) + counter.count(call.arguments());
            }
        }
        if (prompt == u.promptTokens() && completion == u.completionTokens()) {
            return u; // nothing to count (an empty prompt): keep what the provider said
        }
        return Usage.of(prompt, completion, u.costUsd(), true);
    }
}
