package dev.braid.components.model.camel;

import dev.braid.components.model.api.Usage;
import org.apache.camel.spi.Metadata;

/** Message headers the {@code model:} producer sets after a successful call. */
public final class ModelHeaders {

    /** The provider that answered, after routing and fallback ({@code String}). */
    @Metadata(description = "The provider that answered, after routing and fallback (String).", javaType = "String")
    public static final String PROVIDER = "BraidModelProvider";
    /** The model that answered ({@code String}). */
    @Metadata(description = "The model that answered (String).", javaType = "String")
    public static final String MODEL = "BraidModelName";
    /** Tokens and cost of the call ({@link Usage}). */
    @Metadata(description = "Tokens and cost of the call (Usage).", javaType = "dev.braid.components.model.api.Usage")
    public static final String USAGE = "BraidModelUsage";
    /** Prompt tokens ({@code Long}). */
    @Metadata(description = "Prompt tokens (Long).", javaType = "Long")
    public static final String PROMPT_TOKENS = "BraidModelPromptTokens";
    /** Completion tokens ({@code Long}). */
    @Metadata(description = "Completion tokens (Long).", javaType = "Long")
    public static final String COMPLETION_TOKENS = "BraidModelCompletionTokens";
    /** Total tokens ({@code Long}). */
    @Metadata(description = "Total tokens (Long).", javaType = "Long")
    public static final String TOTAL_TOKENS = "BraidModelTotalTokens";
    /** Cost in USD from the price table ({@code Double}). */
    @Metadata(description = "Cost in USD from the price table (Double).", javaType = "Double")
    public static final String COST_USD = "BraidModelCostUsd";
    /** Wall time of the call, retries and fallbacks included ({@code Long}, ms). */
    @Metadata(description = "Wall time of the call, retries and fallbacks included (Long, ms).", javaType = "Long")
    public static final String LATENCY_MS = "BraidModelLatencyMs";
    /** stop, length, tool_calls or content_filter ({@code String}); absent for non-chat tasks. */
    @Metadata(description = "stop, length, tool_calls or content_filter (String); absent for non-chat tasks.", javaType = "String")
    public static final String FINISH_REASON = "BraidModelFinishReason";

    /** Whether the answer came from the response cache ({@code Boolean}; its cost is then 0). */
    @Metadata(description = "Whether the answer came from the response cache (Boolean; its cost is then 0).", javaType = "Boolean")
    public static final String CACHED = "BraidModelCached";

    private ModelHeaders() {}
}
