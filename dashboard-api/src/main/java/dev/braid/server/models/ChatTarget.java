package dev.braid.server.models;

import dev.braid.components.model.routing.RoutingPolicy;

/** What a {@code model} name on the OpenAI-compatible API stands for. */
public sealed interface ChatTarget permits ChatTarget.Routed, ChatTarget.Pipeline {

    /** A provider model ({@code openai/gpt-4o-mini}) or an alias: a call through the model router. */
    record Routed(RoutingPolicy policy) implements ChatTarget {}

    /** {@code pipeline/<name>}: the pipeline runs with the request as its input. */
    record Pipeline(String name) implements ChatTarget {}
}
