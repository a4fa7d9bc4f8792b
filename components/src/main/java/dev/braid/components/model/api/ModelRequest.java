package dev.braid.components.model.api;

import java.util.List;

/**
 * The unified request every provider adapter translates to its own wire format.
 *
 * @param task what is asked
 * @param messages chat and vision conversation (images as {@link ContentPart.Image} parts)
 * @param inputs texts for sentiment, embeddings and moderation (one result per input)
 * @param tools functions the model may call (chat only)
 * @param options sampling and output options
 * @param tokenInputs embeddings input given as token ids (one list per input) instead of texts;
 *     only providers that take token ids accept it
 */
public record ModelRequest(
        ModelTask task,
        List<Message> messages,
        List<String> inputs,
        List<ToolDefinition> tools,
        GenerationOptions options,
        List<List<Integer>> tokenInputs) {

    public ModelRequest {
        tokenInputs = tokenInputs == null ? List.of() : tokenInputs.stream().map(List::copyOf).toList();
        messages = messages == null ? List.of() : List.copyOf(messages);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        tools = tools == null ? List.of() : List.copyOf(tools);
        options = options == null ? GenerationOptions.DEFAULTS : options;
    }

    public ModelRequest(ModelTask task, List<Message> messages, List<String> inputs, List<ToolDefinition> tools,
            GenerationOptions options) {
        this(task, messages, inputs, tools, options, null);
    }

    /** This request with other options. */
    public ModelRequest withOptions(GenerationOptions other) {
        return new ModelRequest(task, messages, inputs, tools, other, tokenInputs);
    }

    public static ModelRequest chat(List<Message> messages) {
        return new ModelRequest(ModelTask.CHAT, messages, null, null, null);
    }

    public static ModelRequest ofInputs(ModelTask task, List<String> inputs) {
        return new ModelRequest(task, null, inputs, null, null);
    }

    /** The text of the last user message, or "" when there is none. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).text();
            }
        }
        return "";
    }
}
