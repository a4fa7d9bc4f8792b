package dev.braid.components.model.camel;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.Usage;

/** Message headers the {@code model:} producer sets after a successful call. */
public final class ModelHeaders {

    /** The provider that answered, after routing and fallback ({@code String}). */
    public static final String PROVIDER = "BraidModelProvider";
    /** The model that answered ({@code String}). */
    public static final String MODEL = "BraidModelName";
    /** Tokens and cost of the call ({@link Usage}). */
    public static final String USAGE = "BraidModelUsage";
    /** Prompt tokens ({@code Long}). */
    public static final String PROMPT_TOKENS = "BraidModelPromptTokens";
    /** Completion tokens ({@code Long}). */
    public static final String COMPLETION_TOKENS = "BraidModelCompletionTokens";
    /** Total tokens ({@code Long}). */
    public static final String TOTAL_TOKENS = "BraidModelTotalTokens";
    /** Cost in USD from the price table ({@code Double}). */
    public static final String COST_USD = "BraidModelCostUsd";
    /** Wall time of the call, retries and fallbacks included ({@code Long}, ms). */
    public static final String LATENCY_MS = "BraidModelLatencyMs";
    /** stop, length, tool_calls or content_filter ({@code String}); absent for non-chat tasks. */
    public static final String FINISH_REASON = "BraidModelFinishReason";

    /** Whether the answer came from the response cache ({@code Boolean}; its cost is then 0). */
    public static final String CACHED = "BraidModelCached";

    private ModelHeaders() {}
}
