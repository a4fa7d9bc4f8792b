package dev.braid.components.model.api;

/**
 * Whether and which tool the model must call, in every door's vocabulary: OpenAI's {@code auto} /
 * {@code none} / {@code required} / {@code {type:function,function:{name}}}, Anthropic's {@code auto} /
 * {@code none} / {@code any} / {@code {type:tool,name}}, Gemini's {@code AUTO} / {@code NONE} /
 * {@code ANY} with allowed function names.
 */
public sealed interface ToolChoice permits ToolChoice.Auto, ToolChoice.None, ToolChoice.Required, ToolChoice.Function {

    ToolChoice AUTO = new Auto();
    ToolChoice NONE = new None();
    ToolChoice REQUIRED = new Required();

    /** The model decides whether to call a tool. */
    record Auto() implements ToolChoice {}

    /** The model must not call a tool. */
    record None() implements ToolChoice {}

    /** The model must call some tool (Anthropic's and Gemini's {@code any}). */
    record Required() implements ToolChoice {}

    /** The model must call the function {@code name}. */
    record Function(String name) implements ToolChoice {
        public Function {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a named tool choice needs a function name");
            }
        }
    }

    static ToolChoice function(String name) {
        return new Function(name);
    }

    /** OpenAI's word for this choice: auto, none, required or function. */
    default String kind() {
        if (this instanceof Function) {
            return "function";
        }
        if (this instanceof Required) {
            return "required";
        }
        return this instanceof None ? "none" : "auto";
    }
}
