package dev.braid.server.models;

import dev.braid.components.model.routing.RoutingPolicy;

/** What a {@code model} name on the OpenAI-compatible API stands for. */
public sealed interface ChatTarget permits ChatTarget.Routed, ChatTarget.Pipeline {

    /**
     * The model that will answer when it is known before the call: {@code pipeline/<name>}, or the
     * {@code provider/model} of a single target; null for an alias over several (known only after).
     */
    default String knownModel() {
        if (this instanceof Pipeline p) {
            return "pipeline/" + p.name();
        }
        var targets = ((Routed) this).policy().targets();
        return targets.size() == 1 ? targets.get(0).provider() + "/" + targets.get(0).model() : null;
    }

    /** A provider model ({@code openai/gpt-4o-mini}) or an alias: a call through the model router. */
    record Routed(RoutingPolicy policy) implements ChatTarget {}

    /** {@code pipeline/<name>}: the pipeline runs with the request as its input. */
    record Pipeline(String name) implements ChatTarget {}
}
