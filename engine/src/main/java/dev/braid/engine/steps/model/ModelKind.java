package dev.braid.engine.steps.model;

import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Step;
import dev.braid.engine.template.Template;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code model: {task, strategy, targets, timeout, retries, prompt|messages|text, image, temperature,
 * maxTokens, cache, on, tools}}: renders its templates into a unified request and sends it to
 * {@code model:<task>}, which routes over the targets.
 */
public final class ModelKind extends StepKind<Step.Model> {

    static final List<String> MODEL_KEYS = List.of(
            "task", "strategy", "targets", "timeout", "retries", "prompt", "messages", "text", "image", "temperature",
            "maxTokens", "cache", "on", "tools");
    /** The values of {@code task}: the {@link ModelTask} enum, in its order. */
    public static final List<String> TASKS = Grammar.names(ModelTask::uriName, ModelTask.values());
    /** The values of {@code strategy}: the {@link RoutingStrategy} enum, in its order. */
    public static final List<String> STRATEGIES = Grammar.names(RoutingStrategy::yamlName, RoutingStrategy.values());

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public ModelKind() {
        super("model", Step.Model.class);
    }

    @Override
    public Step.Model read(Grammar g, StepSource source) {
        Node node = source.body();
        String path = source.path();
        Set<String> before = source.before();
        Fields f = g.fields(node, path);
        if (f == null) {
            return null;
        }
        int errorsBefore = g.errorCount();
        f.allowOnly(MODEL_KEYS, g.problems());
        String taskName = g.oneOf(f, "task", TASKS, "chat");
        ModelTask task = taskName == null ? ModelTask.CHAT : ModelTask.fromUriName(taskName);
        String strategyName = g.oneOf(f, "strategy", STRATEGIES, "fallback");
        RoutingStrategy strategy =
                strategyName == null ? RoutingStrategy.FALLBACK : RoutingStrategy.fromYamlName(strategyName);
        List<Target> targets = g.targets(f);
        Duration timeout = g.duration(f, "timeout", DEFAULT_TIMEOUT);
        Integer retries = g.integer(f, "retries", 0, 5);
        Step.Prompt prompt = prompt(g, f, before);
        String messages = g.template(f, "messages", before);
        String text = g.template(f, "text", before);
        String image = g.template(f, "image", before);
        String tools = g.template(f, "tools", before);
        Double temperature = g.number(f, "temperature", 0, 2);
        Integer maxTokens = g.integer(f, "maxTokens", 1, Integer.MAX_VALUE);
        CachePolicy cache = cache(g, f);
        Set<FallbackTrigger> on = g.fallbackTriggers(f);

        boolean conversational = task == ModelTask.CHAT || task == ModelTask.VISION;
        if (conversational) {
            if (!f.has("prompt") && !f.has("messages")) {
                f.missing(g.problems(), node, path, "a " + task.uriName() + " step needs prompt or messages");
            } else if (f.has("prompt") && f.has("messages")) {
                g.error(f.key("messages"), f.pathOf("messages"),
                        "a " + task.uriName() + " step takes either prompt or messages, not both");
            }
        } else {
            if (!f.has("text")) {
                f.missing(g.problems(), node, path, "a " + task.uriName() + " step needs text");
            }
            for (String key : List.of("prompt", "messages", "tools")) {
                if (f.has(key)) {
                    g.error(f.key(key), f.pathOf(key), "a " + task.uriName() + " step does not take " + key);
                }
            }
        }
        if (g.errorCount() > errorsBefore) {
            return null;
        }
        return new Step.Model(task, strategy, List.copyOf(targets), timeout, retries == null ? 0 : retries, prompt,
                messages, text, image, temperature, maxTokens, cache, on, tools);
    }

    /** {@code cache: {ttl, allowNonZeroTemperature}}: ttl is required. */
    private static CachePolicy cache(Grammar g, Fields f) {
        Node node = f.get("cache");
        if (node == null) {
            return null;
        }
        Fields c = g.fields(node, f.pathOf("cache"));
        if (c == null) {
            return null;
        }
        int errorsBefore = g.errorCount();
        c.allowOnly(List.of("ttl", "allowNonZeroTemperature"), g.problems());
        c.require(List.of("ttl"), g.problems());
        Duration ttl = g.duration(c, "ttl", null);
        boolean allow = false;
        Node allowNode = c.get("allowNonZeroTemperature");
        if (allowNode != null) {
            Boolean flag = g.trueOrFalse(allowNode, c.pathOf("allowNonZeroTemperature"));
            allow = flag != null && flag;
        }
        if (g.errorCount() > errorsBefore || ttl == null) {
            return null;
        }
        return new CachePolicy(ttl, allow);
    }

    private static Step.Prompt prompt(Grammar g, Fields f, Set<String> before) {
        Node node = f.get("prompt");
        if (node == null) {
            return null;
        }
        Fields p = g.fields(node, f.pathOf("prompt"));
        if (p == null) {
            return null;
        }
        p.allowOnly(List.of("system", "user"), g.problems());
        String system = g.template(p, "system", before);
        String user = g.template(p, "user", before);
        if (!p.has("system") && !p.has("user")) {
            g.error(node, p.path(), "a prompt needs system or user");
        }
        return new Step.Prompt(system, user);
    }

    @Override
    public void compile(StepCompilation c, Step.Model m) {
        ModelBinding b = binding(c, c.path() + ".model", m);
        if (b != null) {
            c.bind(b);
        }
        c.emitTo("model:" + (m.task() == null ? "chat" : m.task().uriName()) + c.query());
    }

    private static ModelBinding binding(StepCompilation c, String path, Step.Model m) {
        RoutingPolicy routing;
        try {
            routing = new RoutingPolicy(m.strategy(), m.targets() == null ? List.of() : m.targets(), m.timeout(),
                    m.retries(), m.on());
        } catch (IllegalArgumentException e) {
            c.error(path + ".targets", e.getMessage());
            return null;
        }
        Template system = null, user = null;
        if (m.prompt() != null) {
            system = c.template(path + ".prompt.system", m.prompt().system());
            user = c.template(path + ".prompt.user", m.prompt().user());
        }
        Template messages = c.template(path + ".messages", m.messages());
        if (messages != null && !messages.isSingleReference()) {
            c.error(path + ".messages", "messages must be exactly one reference such as {{input.messages}}");
        }
        Template tools = c.template(path + ".tools", m.tools());
        if (tools != null && !tools.isSingleReference()) {
            c.error(path + ".tools", "tools must be exactly one reference such as {{input.tools}}");
        }
        Template text = c.template(path + ".text", m.text());
        Template image = c.template(path + ".image", m.image());
        GenerationOptions options = new GenerationOptions(m.temperature(), m.maxTokens(), null, null);
        return new ModelBinding(c.id(), m.task() == null ? ModelTask.CHAT : m.task(),
                routing, system, user, messages, tools, text, image, options, m.cache());
    }
}
