package dev.braid.components.model.api;

import java.util.List;
import java.util.Map;

/** Sampling and output options; null means "provider default". */
public record GenerationOptions(
        Double temperature, Integer maxTokens, List<String> stop, Map<String, Object> responseFormat) {

    public static final GenerationOptions DEFAULTS = new GenerationOptions(null, null, null, null);
}
