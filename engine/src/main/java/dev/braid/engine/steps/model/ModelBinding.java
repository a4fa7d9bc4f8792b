package dev.braid.engine.steps.model;

import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.camel.ModelStepBinding;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.engine.run.DeltaStream;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import dev.braid.engine.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.Exchange;

/**
 * A model step as {@code model:} sees it. Templates were parsed once at deploy; {@link #read}
 * renders the unified request from the context, inserting values as data.
 */
public final class ModelBinding implements ModelStepBinding {

    private final String id;
    private final ModelTask task;
    private final RoutingPolicy routing;
    private final Template system;
    private final Template user;
    private final Template messages;
    private final Template tools;
    private final Template text;
    private final Template image;
    private final GenerationOptions options;
    private final CachePolicy cache;

    ModelBinding(
            String id,
            ModelTask task,
            RoutingPolicy routing,
            Template system,
            Template user,
            Template messages,
            Template tools,
            Template text,
            Template image,
            GenerationOptions options,
            CachePolicy cache) {
        this.id = id;
        this.task = task;
        this.routing = routing;
        this.system = system;
        this.user = user;
        this.messages = messages;
        this.tools = tools;
        this.text = text;
        this.image = image;
        this.options = options;
        this.cache = cache;
    }

    /** The step's {@code cache:} policy; null leaves the router's cache unused for this step. */
    @Override
    public CachePolicy cache() {
        return cache;
    }

    public String id() {
        return id;
    }

    public ModelTask task() {
        return task;
    }

    @Override
    public RoutingPolicy routing() {
        return routing;
    }

    /** The invocation's delta stream when this step is the one it streams; null otherwise. */
    @Override
    public Consumer<ModelDelta> deltaSink(Exchange exchange) {
        DeltaStream stream = DeltaStream.of(exchange);
        if (stream == null || !stream.stepId().equals(id)) {
            return null;
        }
        return stream::accept;
    }

    @Override
    public ModelRequest read(Exchange exchange) {
        Function<String, Object> roots = PipelineContext.of(exchange).roots();
        List<Message> msgs = new ArrayList<>();
        if (messages != null) {
            msgs.addAll(messagesFrom(messages.render(roots)));
        }
        if (system != null) {
            msgs.add(Message.system(stringOrEmpty(system.renderString(roots))));
        }
        if (user != null) {
            msgs.add(Message.user(stringOrEmpty(user.renderString(roots))));
        }
        if (image != null) {
            String url = image.renderString(roots);
            if (url != null && !url.isEmpty()) {
                attachImage(msgs, url);
            }
        }
        List<String> inputs = new ArrayList<>();
        if (text != null) {
            Object v = text.render(roots);
            if (v instanceof List<?> list) {
                list.forEach(e -> inputs.add(e == null ? "" : e instanceof String s ? s : String.valueOf(e)));
            } else if (v != null) {
                inputs.add(v instanceof String s ? s : String.valueOf(v));
            } else {
                inputs.add("");
            }
        }
        return new ModelRequest(task, msgs, inputs, tools == null ? null : toolsFrom(tools.render(roots)), options);
    }

    @Override
    public void write(Exchange exchange, ModelResponse response) {
        PipelineContext ctx = PipelineContext.of(exchange);
        String model = response.provider() + "/" + response.model();
        boolean cached = Boolean.TRUE.equals(response.fields().get(ModelRouter.CACHED_FIELD));
        ctx.complete(id, response.toOutput(),
                new StepResult(id, StepStatus.OK, ctx.elapsedMs(id), model, response.usage(), null, cached));
    }

    /**
     * The call failed (every target, retries spent): the step is recorded as failed, so a failed
     * invocation's finished steps and this one show in its usage, then the failure goes on.
     */
    @Override
    public void failed(Exchange exchange, Throwable error) {
        PipelineContext ctx = PipelineContext.of(exchange);
        String reason = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        ctx.complete(id, null, new StepResult(id, StepStatus.FAILED, ctx.elapsedMs(id), null, null, reason));
        exchange.setException(error);
    }

    private static String stringOrEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The image goes on the last user message, or on a new one when there is none. */
    private static void attachImage(List<Message> msgs, String url) {
        for (int i = msgs.size() - 1; i >= 0; i--) {
            Message m = msgs.get(i);
            if ("user".equals(m.role())) {
                List<ContentPart> parts = new ArrayList<>(m.content());
                parts.add(new ContentPart.Image(url));
                msgs.set(i, new Message(m.role(), parts, m.toolCalls(), m.toolCallId()));
                return;
            }
        }
        msgs.add(new Message("user", List.of(new ContentPart.Image(url)), null, null));
    }

    /**
     * Reads OpenAI-shaped messages: {@code {role, content}} where content is a string or a list of
     * {@code {type: text, text}} and {@code {type: image_url, image_url: {url}}} parts.
     */
    private List<Message> messagesFrom(Object value) {
        if (!(value instanceof List<?> list)) {
            throw invalid("expected a list of {role, content} messages");
        }
        List<Message> out = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("role") instanceof String role)) {
                throw invalid("every message needs a string role");
            }
            Object content = m.get("content");
            List<ContentPart> parts = new ArrayList<>();
            if (content instanceof String s) {
                parts.add(new ContentPart.Text(s));
            } else if (content instanceof List<?> ps) {
                for (Object p : ps) {
                    parts.add(partFrom(p));
                }
            } else if (content != null) {
                throw invalid("message content must be a string or a list of parts");
            }
            out.add(new Message(role, parts, toolCallsFrom(m.get("tool_calls")),
                    m.get("tool_call_id") instanceof String tid ? tid : null));
        }
        return out;
    }

    /** An assistant message's OpenAI-shaped {@code tool_calls}: {@code [{id, type, function: {name, arguments}}]}. */
    private List<ToolCall> toolCallsFrom(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw invalid("tool_calls must be a list");
        }
        List<ToolCall> calls = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> call) || !(call.get("function") instanceof Map<?, ?> fn)
                    || !(fn.get("name") instanceof String name)) {
                throw invalid("a tool call must be {id, type: function, function: {name, arguments}}");
            }
            Object args = fn.get("arguments");
            calls.add(new ToolCall(call.get("id") instanceof String id ? id : null, name,
                    args instanceof String s ? s : args == null ? "" : String.valueOf(args)));
        }
        return calls;
    }

    /**
     * Chat Completions {@code tools} ({@code [{type: function, function: {name, description, parameters,
     * strict}}]}); a missing value (no tools in the input) is none.
     */
    @SuppressWarnings("unchecked")
    private List<ToolDefinition> toolsFrom(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new InvocationException.InputInvalid(List.of("steps." + id + ".tools: expected a list of tools"));
        }
        List<ToolDefinition> out = new ArrayList<>();
        for (Object item : list) {
            Object fn = item instanceof Map<?, ?> t && t.get("function") instanceof Map<?, ?> f ? f : item;
            if (!(fn instanceof Map<?, ?> function) || !(function.get("name") instanceof String name)) {
                throw new InvocationException.InputInvalid(
                        List.of("steps." + id + ".tools: a tool must be {type: function, function: {name, parameters}}"));
            }
            out.add(new ToolDefinition(name, function.get("description") instanceof String d ? d : null,
                    function.get("parameters") instanceof Map<?, ?> p ? (Map<String, Object>) p : null,
                    function.get("strict") instanceof Boolean b ? b : null));
        }
        return out;
    }

    private ContentPart partFrom(Object p) {
        if (p instanceof Map<?, ?> part) {
            Object type = part.get("type");
            if ("text".equals(type) && part.get("text") instanceof String t) {
                return new ContentPart.Text(t);
            }
            if ("image_url".equals(type)) {
                Object iu = part.get("image_url");
                Object url = iu instanceof Map<?, ?> im ? im.get("url") : iu;
                if (url instanceof String u) {
                    return new ContentPart.Image(u);
                }
            }
        }
        throw invalid("a content part must be {type: text, text} or {type: image_url, image_url: {url}}");
    }

    private InvocationException invalid(String problem) {
        return new InvocationException.InputInvalid(List.of("steps." + id + ".messages: " + problem));
    }
}
