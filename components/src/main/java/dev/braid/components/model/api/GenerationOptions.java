package dev.braid.components.model.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sampling and output options; null means "not given: provider default". Every door maps its fields
 * here (Chat Completions, Responses, Messages) and every provider adapter either sends, translates or
 * refuses each one (a refused option is {@link ModelException.UnsupportedParameter}, never dropped).
 *
 * @param temperature sampling temperature
 * @param maxTokens the most output tokens
 * @param stop stop sequences
 * @param responseFormat OpenAI's {@code response_format} object ({@code json_object} / {@code json_schema})
 * @param topP nucleus sampling
 * @param seed deterministic-sampling seed
 * @param presencePenalty OpenAI's {@code presence_penalty}
 * @param frequencyPenalty OpenAI's {@code frequency_penalty}
 * @param n how many choices (Braid answers with one)
 * @param logprobs whether to return token log probabilities
 * @param topLogprobs how many alternatives per token with {@code logprobs}
 * @param reasoningEffort {@code minimal} / {@code low} / {@code medium} / {@code high}
 * @param toolChoice whether and which tool must be called
 * @param parallelToolCalls whether the model may call several tools in one turn
 * @param user the end user's id, for the provider's abuse monitoring
 * @param metadata caller's key/value tags ({@code metadata} in OpenAI and Anthropic)
 * @param extra request body fields the door does not know, kept in order for OpenAI-compatible
 *     upstreams that may (provider-specific extensions); other providers refuse them
 * @param dimensions embedding size, for embeddings models that can shorten their vectors
 * @param maxTokensField the wire name the caller used for {@code maxTokens} ({@code max_tokens} or
 *     {@code max_completion_tokens}); null: the adapter picks
 */
public record GenerationOptions(
        Double temperature,
        Integer maxTokens,
        List<String> stop,
        Map<String, Object> responseFormat,
        Double topP,
        Long seed,
        Double presencePenalty,
        Double frequencyPenalty,
        Integer n,
        Boolean logprobs,
        Integer topLogprobs,
        String reasoningEffort,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        String user,
        Map<String, String> metadata,
        Map<String, Object> extra,
        Integer dimensions,
        String maxTokensField) {

    public static final GenerationOptions DEFAULTS = new GenerationOptions(null, null, null, null);

    public GenerationOptions {
        stop = stop == null ? null : List.copyOf(stop);
        metadata = metadata == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        // extra values may be JSON null, which Map.copyOf refuses
        extra = extra == null || extra.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** The four options Braid had first; everything else not given. */
    public GenerationOptions(Double temperature, Integer maxTokens, List<String> stop, Map<String, Object> responseFormat) {
        this(temperature, maxTokens, stop, responseFormat, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.temperature = temperature;
        b.maxTokens = maxTokens;
        b.stop = stop;
        b.responseFormat = responseFormat;
        b.topP = topP;
        b.seed = seed;
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.n = n;
        b.logprobs = logprobs;
        b.topLogprobs = topLogprobs;
        b.reasoningEffort = reasoningEffort;
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.user = user;
        b.metadata = metadata;
        b.extra = extra;
        b.dimensions = dimensions;
        b.maxTokensField = maxTokensField;
        return b;
    }

    /**
     * The wire names (Chat Completions spelling) of the options that are set, beyond temperature,
     * max tokens, stop and response format, which every chat provider honours; adapters check these
     * against what they can send or translate. Extra fields are listed by their own names.
     */
    public List<String> advancedSet() {
        List<String> set = new java.util.ArrayList<>();
        if (topP != null) set.add("top_p");
        if (seed != null) set.add("seed");
        if (presencePenalty != null) set.add("presence_penalty");
        if (frequencyPenalty != null) set.add("frequency_penalty");
        if (n != null && n != 1) set.add("n");
        if (Boolean.TRUE.equals(logprobs)) set.add("logprobs");
        if (topLogprobs != null) set.add("top_logprobs");
        if (reasoningEffort != null) set.add("reasoning_effort");
        if (toolChoice != null) set.add("tool_choice");
        if (parallelToolCalls != null) set.add("parallel_tool_calls");
        if (user != null) set.add("user");
        if (metadata != null) set.add("metadata");
        if (dimensions != null) set.add("dimensions");
        set.addAll(extra.keySet());
        return set;
    }

    /** Builds options field by field; unset fields stay null (not given). */
    public static final class Builder {
        private Double temperature;
        private Integer maxTokens;
        private List<String> stop;
        private Map<String, Object> responseFormat;
        private Double topP;
        private Long seed;
        private Double presencePenalty;
        private Double frequencyPenalty;
        private Integer n;
        private Boolean logprobs;
        private Integer topLogprobs;
        private String reasoningEffort;
        private ToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private String user;
        private Map<String, String> metadata;
        private Map<String, Object> extra;
        private Integer dimensions;
        private String maxTokensField;

        private Builder() {}

        public Builder temperature(Double v) { temperature = v; return this; }
        public Builder maxTokens(Integer v) { maxTokens = v; return this; }
        public Builder stop(List<String> v) { stop = v; return this; }
        public Builder responseFormat(Map<String, Object> v) { responseFormat = v; return this; }
        public Builder topP(Double v) { topP = v; return this; }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder presencePenalty(Double v) { presencePenalty = v; return this; }
        public Builder frequencyPenalty(Double v) { frequencyPenalty = v; return this; }
        public Builder n(Integer v) { n = v; return this; }
        public Builder logprobs(Boolean v) { logprobs = v; return this; }
        public Builder topLogprobs(Integer v) { topLogprobs = v; return this; }
        public Builder reasoningEffort(String v) { reasoningEffort = v; return this; }
        public Builder toolChoice(ToolChoice v) { toolChoice = v; return this; }
        public Builder parallelToolCalls(Boolean v) { parallelToolCalls = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder metadata(Map<String, String> v) { metadata = v; return this; }
        public Builder extra(Map<String, Object> v) { extra = v; return this; }
        public Builder dimensions(Integer v) { dimensions = v; return this; }
        public Builder maxTokensField(String v) { maxTokensField = v; return this; }

        public GenerationOptions build() {
            return new GenerationOptions(temperature, maxTokens, stop, responseFormat, topP, seed, presencePenalty,
                    frequencyPenalty, n, logprobs, topLogprobs, reasoningEffort, toolChoice, parallelToolCalls, user,
                    metadata, extra, dimensions, maxTokensField);
        }
    }
}
