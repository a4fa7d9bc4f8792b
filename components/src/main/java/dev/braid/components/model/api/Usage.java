package dev.braid.components.model.api;

/**
 * Tokens and cost of one or more model calls. {@code estimated} is true when a tokenizer counted
 * the tokens because the provider did not report them.
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, double costUsd, boolean estimated) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0.0, false);

    public static Usage of(long promptTokens, long completionTokens, double costUsd, boolean estimated) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, costUsd, estimated);
    }

    public Usage plus(Usage other) {
        if (other == null) {
            return this;
        }
        return new Usage(
                promptTokens + other.promptTokens,
                completionTokens + other.completionTokens,
                totalTokens + other.totalTokens,
                costUsd + other.costUsd,
                estimated || other.estimated);
    }
}
