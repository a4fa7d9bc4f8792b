package dev.braid.components.model.api;

/**
 * One piece of a streamed answer, the same for every provider: text, a fragment of a tool call,
 * the finish reason. Usage arrives with the final {@link ModelResponse}, never as a delta, so a
 * stream is counted exactly once whatever the provider's own usage framing.
 */
public sealed interface ModelDelta permits ModelDelta.Text, ModelDelta.ToolCallFragment, ModelDelta.Finish {

    record Text(String text) implements ModelDelta {}

    /**
     * A tool call being streamed: the first fragment of call {@code index} carries {@code id} and
     * {@code name}; later ones carry only argument text to append.
     */
    record ToolCallFragment(int index, String id, String name, String argumentsFragment) implements ModelDelta {}

    /** stop, length, tool_calls or content_filter. */
    record Finish(String reason) implements ModelDelta {}
}
