package dev.braid.components.guard;

/**
 * Input checks. Null limits are not checked.
 *
 * @param promptInjection what to do when the prompt-injection heuristic matches
 * @param maxInputTokens the most tokens (cl100k/o200k tokenizer) all checked text may hold
 * @param maxInputChars the most characters all checked text may hold
 */
public record GuardPolicy(GuardAction promptInjection, Integer maxInputTokens, Integer maxInputChars) {

    public GuardPolicy {
        promptInjection = promptInjection == null ? GuardAction.OFF : promptInjection;
    }
}
