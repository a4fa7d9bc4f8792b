package dev.braid.engine.spec;

import com.dashjoin.jsonata.Jsonata;
import dev.braid.components.guard.GuardAction;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.template.Template;
import dev.braid.engine.template.TemplateSyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Builds a {@link PipelineSpec} from a composed node tree and validates it in the same walk,
 * collecting every error with its position. One instance per read.
 */
final class SpecBuilder {

    static final List<String> TOP_KEYS = List.of("apiVersion", "kind", "name", "description", "input", "stream", "steps");
    static final List<String> KINDS =
            List.of("model", "parallel", "transform", "aggregate", "mask", "guard", "enrich", "camel");
    static final List<String> STEP_KEYS = concat(List.of("id", "when"), KINDS);
    static final List<String> MODEL_KEYS = List.of(
            "task", "strategy", "targets", "timeout", "retries", "prompt", "messages", "text", "image", "temperature",
            "maxTokens", "cache", "on");
    static final List<String> TASKS = List.of("chat", "vision", "sentiment", "embeddings", "moderation");
    static final List<String> STRATEGIES = List.of("fallback", "weighted", "least-latency", "cheapest");
    static final List<String> ENTITIES = List.of("EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "IPV4", "IPV6", "US_SSN");

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
    private static final Pattern STEP_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");
    private static final Pattern ENTITY_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern JSONATA_STEP =
            Pattern.compile("(?<![\\w.$`])steps\\s*\\.\\s*(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)");
    private static final Duration DEFAULT_MODEL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_PARALLEL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_ENRICH_TIMEOUT = Duration.ofSeconds(5);
    /** A judge sits in front of every request: shorter than a model step's 30s. */
    private static final Duration DEFAULT_CLASSIFIER_TIMEOUT = Duration.ofSeconds(10);
    private static final double DEFAULT_CLASSIFIER_THRESHOLD = 0.5;

    private final Problems problems = new Problems();
    private final CamelSafety camel;
    private final EnrichUrlCheck enrichUrls;
    /** Every step id in the pipeline (branches included), first definition wins. */
    private final Map<String, Node> allIds = new LinkedHashMap<>();

    SpecBuilder(Set<String> allowedCamelSchemes) {
        this(allowedCamelSchemes, EnrichUrlCheck.NONE);
    }

    SpecBuilder(Set<String> allowedCamelSchemes, EnrichUrlCheck enrichUrls) {
        this.enrichUrls = enrichUrls;
        this.camel = new CamelSafety(allowedCamelSchemes, problems);
    }

    PipelineSpec build(Node root) {
        Fields top = Fields.of(root, "", problems);
        if (top == null) {
            throw problems.exception();
        }
        top.allowOnly(TOP_KEYS, problems);
        top.require(List.of("apiVersion", "kind", "name", "steps"), problems);

        String apiVersion = string(top, "apiVersion");
        if (apiVersion != null && !PipelineSpec.API_VERSION.equals(apiVersion)) {
            problems.at(top.get("apiVersion"), "apiVersion",
                    "unsupported apiVersion '" + apiVersion + "' (expected " + PipelineSpec.API_VERSION + ")");
        }
        String kind = string(top, "kind");
        if (kind != null && !PipelineSpec.KIND.equals(kind)) {
            problems.at(top.get("kind"), "kind", "kind must be " + PipelineSpec.KIND + ", got '" + kind + "'");
        }
        String name = string(top, "name");
        if (name != null && !NAME.matcher(name).matches()) {
            problems.at(top.get("name"), "name",
                    "name must be 1 to 63 lower-case letters, digits or dashes, got '" + name + "'");
        }
        String description = string(top, "description");
        Map<String, Object> input = inputSchema(top);

        List<StepSpec> steps = List.of();
        Node stepsNode = top.get("steps");
        if (stepsNode != null) {
            SequenceNode seq = list(stepsNode, "steps");
            if (seq != null && seq.getValue().isEmpty()) {
                problems.at(stepsNode, "steps", "a pipeline needs at least one step");
            } else if (seq != null) {
                collectIds(seq, "steps");
                steps = steps(seq, "steps", new HashSet<>());
            }
        }
        String stream = string(top, "stream");
        if (stream != null) {
            checkStream(stream, top.get("stream"), steps);
        }
        if (!problems.isEmpty()) {
            throw problems.exception();
        }
        return new PipelineSpec(apiVersion, kind, name, description, input, stream, steps);
    }

    // ---- top level -------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private Map<String, Object> inputSchema(Fields top) {
        Node node = top.get("input");
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode)) {
            problems.at(node, "input", "expected a JSON Schema object, got " + Nodes.describe(node));
            return null;
        }
        Fields.checkTree(node, "input", problems);
        Map<String, Object> schema = (Map<String, Object>) Nodes.plain(node);
        try {
            InputSchema.compile(schema);
        } catch (IllegalArgumentException e) {
            problems.at(node, "input", e.getMessage());
        }
        return schema;
    }

    private void checkStream(String stream, Node node, List<StepSpec> steps) {
        if (!allIds.containsKey(stream)) {
            problems.at(node, "stream", "unknown step '" + stream + "'" + Suggestions.didYouMean(stream, allIds.keySet()));
            return;
        }
        StepSpec target = find(steps, stream);
        // target is null when the step itself was invalid; that error is already reported.
        if (target != null && (!(target.step() instanceof Step.Model m) || m.task() != ModelTask.CHAT)) {
            problems.at(node, "stream", "stream must name a chat model step; '" + stream + "' is not one");
        }
    }

    private static StepSpec find(List<StepSpec> steps, String id) {
        for (StepSpec s : steps) {
            if (s.id().equals(id)) {
                return s;
            }
            if (s.step() instanceof Step.Parallel p) {
                StepSpec inner = find(p.branches(), id);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    // ---- step ids --------------------------------------------------------------------------

    /** First pass: every id with its position, so references can tell "unknown" from "not yet". */
    private void collectIds(SequenceNode seq, String path) {
        for (int i = 0; i < seq.getValue().size(); i++) {
            collectIds(seq.getValue().get(i), path + "[" + i + "]", true);
        }
    }

    private void collectIds(Node stepNode, String path, boolean report) {
        if (!(stepNode instanceof MappingNode map)) {
            return;
        }
        for (var t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                continue;
            }
            if ("id".equals(k.getValue()) && Nodes.isString(t.getValueNode())) {
                String id = ((ScalarNode) t.getValueNode()).getValue();
                Node first = allIds.get(id);
                if (first == null) {
                    allIds.put(id, t.getValueNode());
                } else if (report) {
                    problems.at(t.getValueNode(), path + ".id", "duplicate step id '" + id + "' (first used on line "
                            + first.getStartMark().map(m -> m.getLine() + 1).orElse(0) + ")");
                }
            }
            if ("parallel".equals(k.getValue()) && t.getValueNode() instanceof MappingNode par) {
                for (var pt : par.getValue()) {
                    if (pt.getKeyNode() instanceof ScalarNode pk && "branches".equals(pk.getValue())
                            && pt.getValueNode() instanceof SequenceNode branches) {
                        collectIds(branches, path + ".parallel.branches");
                    }
                }
            }
        }
    }

    /** The ids a step node defines (itself and its branches), for the steps that follow it. */
    private static void idsIn(Node stepNode, Set<String> out) {
        if (!(stepNode instanceof MappingNode map)) {
            return;
        }
        for (var t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                if ("id".equals(k.getValue()) && Nodes.isString(t.getValueNode())) {
                    out.add(((ScalarNode) t.getValueNode()).getValue());
                }
                if ("parallel".equals(k.getValue()) && t.getValueNode() instanceof MappingNode par) {
                    for (var pt : par.getValue()) {
                        if (pt.getKeyNode() instanceof ScalarNode pk && "branches".equals(pk.getValue())
                                && pt.getValueNode() instanceof SequenceNode branches) {
                            branches.getValue().forEach(b -> idsIn(b, out));
                        }
                    }
                }
            }
        }
    }

    // ---- steps -----------------------------------------------------------------------------

    /**
     * Steps of a list run in order: each sees the ids of the steps before it (and their branches)
     * in {@code before}, never its own or later ones.
     */
    private List<StepSpec> steps(SequenceNode seq, String path, Set<String> before) {
        List<StepSpec> out = new ArrayList<>();
        Set<String> available = new HashSet<>(before);
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node node = seq.getValue().get(i);
            StepSpec spec = step(node, path + "[" + i + "]", available);
            if (spec != null) {
                out.add(spec);
            }
            idsIn(node, available);
        }
        return out;
    }

    private StepSpec step(Node node, String path, Set<String> before) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(STEP_KEYS, problems);
        f.require(List.of("id"), problems);
        String id = string(f, "id");
        if (id != null && !STEP_ID.matcher(id).matches()) {
            problems.at(f.get("id"), f.pathOf("id"),
                    "step id must start with a letter and hold only letters, digits, '_' or '-' (at most 63), got '"
                            + id + "'");
        }
        String when = string(f, "when");
        if (when != null) {
            jsonata(when, f.get("when"), f.pathOf("when"));
        }
        List<String> kinds = new ArrayList<>();
        for (String k : f.keys()) {
            if (KINDS.contains(k)) {
                kinds.add(k);
            }
        }
        if (kinds.isEmpty()) {
            // A misspelt kind ("transfrom") is already an unknown key; one error says it best.
            if (!STEP_KEYS.containsAll(f.keys())) {
                return null;
            }
            problems.at(node, path, "a step needs exactly one of " + String.join(", ", KINDS));
            return null;
        }
        if (kinds.size() > 1) {
            problems.at(f.key(kinds.get(1)), f.pathOf(kinds.get(1)),
                    "a step has exactly one kind; found both '" + kinds.get(0) + "' and '" + kinds.get(1) + "'");
            return null;
        }
        String kind = kinds.get(0);
        Node body = f.get(kind);
        String bodyPath = f.pathOf(kind);
        Step step = switch (kind) {
            case "model" -> model(body, bodyPath, before);
            case "parallel" -> parallel(body, bodyPath, before);
            case "transform" -> transform(body, bodyPath);
            case "aggregate" -> aggregate(body, bodyPath, before);
            case "mask" -> mask(body, bodyPath, f);
            case "guard" -> guard(body, bodyPath);
            case "enrich" -> enrich(body, bodyPath, before);
            default -> camel(body, bodyPath);
        };
        if (step == null || id == null) {
            return null;
        }
        return new StepSpec(id, when, step, position(node, path));
    }

    private static SourcePosition position(Node node, String path) {
        return node.getStartMark()
                .map(m -> new SourcePosition(m.getLine() + 1, m.getColumn() + 1, path))
                .orElse(new SourcePosition(0, 0, path));
    }

    private Step.Model model(Node node, String path, Set<String> before) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        int errorsBefore = problems.size();
        f.allowOnly(MODEL_KEYS, problems);
        String taskName = oneOf(f, "task", TASKS, "chat");
        ModelTask task = taskName == null ? ModelTask.CHAT : ModelTask.fromUriName(taskName);
        String strategyName = oneOf(f, "strategy", STRATEGIES, "fallback");
        RoutingStrategy strategy =
                strategyName == null ? RoutingStrategy.FALLBACK : RoutingStrategy.fromYamlName(strategyName);
        List<Target> targets = targets(f);
        Duration timeout = duration(f, "timeout", DEFAULT_MODEL_TIMEOUT);
        Integer retries = integer(f, "retries", 0, 5);
        Step.Prompt prompt = prompt(f, before);
        String messages = template(f, "messages", before);
        String text = template(f, "text", before);
        String image = template(f, "image", before);
        Double temperature = number(f, "temperature", 0, 2);
        Integer maxTokens = integer(f, "maxTokens", 1, Integer.MAX_VALUE);
        CachePolicy cache = cache(f);
        Set<FallbackTrigger> on = fallbackTriggers(f);

        boolean conversational = task == ModelTask.CHAT || task == ModelTask.VISION;
        if (conversational) {
            if (!f.has("prompt") && !f.has("messages")) {
                problems.at(node, path, "a " + task.uriName() + " step needs prompt or messages");
            } else if (f.has("prompt") && f.has("messages")) {
                problems.at(f.key("messages"), f.pathOf("messages"),
                        "a " + task.uriName() + " step takes either prompt or messages, not both");
            }
        } else {
            if (!f.has("text")) {
                problems.at(node, path, "a " + task.uriName() + " step needs text");
            }
            for (String key : List.of("prompt", "messages")) {
                if (f.has(key)) {
                    problems.at(f.key(key), f.pathOf(key), "a " + task.uriName() + " step does not take " + key);
                }
            }
        }
        if (problems.size() > errorsBefore) {
            return null;
        }
        return new Step.Model(task, strategy, List.copyOf(targets), timeout, retries == null ? 0 : retries, prompt, messages, text,
                image, temperature, maxTokens, cache, on);
    }

    /** {@code on: [429, 5xx, 408, timeout, connect]}: a non-empty list of distinct triggers. */
    private Set<FallbackTrigger> fallbackTriggers(Fields f) {
        Node node = f.get("on");
        if (node == null) {
            return null;
        }
        SequenceNode seq = list(node, f.pathOf("on"));
        if (seq == null) {
            return null;
        }
        if (seq.getValue().isEmpty()) {
            problems.at(node, f.pathOf("on"), "on needs at least one of " + String.join(", ", FallbackTrigger.YAML_NAMES));
            return null;
        }
        Set<FallbackTrigger> out = EnumSet.noneOf(FallbackTrigger.class);
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String itemPath = f.pathOf("on") + "[" + i + "]";
            String name = enumValue(item, itemPath, FallbackTrigger.YAML_NAMES);
            if (name != null && !out.add(FallbackTrigger.fromYamlName(name))) {
                problems.at(item, itemPath, "'" + name + "' is listed twice");
            }
        }
        return out;
    }

    /** {@code cache: {ttl, allowNonZeroTemperature}}: ttl is required. */
    private CachePolicy cache(Fields f) {
        Node node = f.get("cache");
        if (node == null) {
            return null;
        }
        Fields c = Fields.of(node, f.pathOf("cache"), problems);
        if (c == null) {
            return null;
        }
        int errorsBefore = problems.size();
        c.allowOnly(List.of("ttl", "allowNonZeroTemperature"), problems);
        c.require(List.of("ttl"), problems);
        Duration ttl = duration(c, "ttl", null);
        boolean allow = false;
        Node allowNode = c.get("allowNonZeroTemperature");
        if (allowNode != null) {
            if (allowNode instanceof ScalarNode sn && ("true".equals(sn.getValue()) || "false".equals(sn.getValue()))) {
                allow = Boolean.parseBoolean(sn.getValue());
            } else {
                problems.at(allowNode, c.pathOf("allowNonZeroTemperature"), "must be true or false");
            }
        }
        if (problems.size() > errorsBefore || ttl == null) {
            return null;
        }
        return new CachePolicy(ttl, allow);
    }

    private List<Target> targets(Fields f) {
        Node node = f.get("targets");
        String path = f.pathOf("targets");
        if (node == null) {
            problems.at(f.node(), f.path(), "missing required key 'targets'");
            return List.of();
        }
        SequenceNode seq = list(node, path);
        if (seq == null) {
            return List.of();
        }
        if (seq.getValue().isEmpty()) {
            problems.at(node, path, "targets must list at least one target");
        }
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String itemPath = path + "[" + i + "]";
            Fields t = Fields.of(seq.getValue().get(i), itemPath, problems);
            if (t == null) {
                continue;
            }
            t.require(List.of("provider", "model"), problems);
            String provider = string(t, "provider");
            String model = string(t, "model");
            Map<String, String> options = new LinkedHashMap<>();
            for (String key : t.keys()) {
                if (key.equals("provider") || key.equals("model")) {
                    continue;
                }
                Node value = t.get(key);
                if (value instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
                    options.put(key, s.getValue());
                } else {
                    problems.at(value, t.pathOf(key), "expected a string, number or boolean, got " + Nodes.describe(value));
                }
            }
            if (provider != null && model != null) {
                targets.add(new Target(provider, model, options));
            }
        }
        return targets;
    }

    private Step.Prompt prompt(Fields f, Set<String> before) {
        Node node = f.get("prompt");
        if (node == null) {
            return null;
        }
        Fields p = Fields.of(node, f.pathOf("prompt"), problems);
        if (p == null) {
            return null;
        }
        p.allowOnly(List.of("system", "user"), problems);
        String system = template(p, "system", before);
        String user = template(p, "user", before);
        if (!p.has("system") && !p.has("user")) {
            problems.at(node, p.path(), "a prompt needs system or user");
        }
        return new Step.Prompt(system, user);
    }

    private Step.Parallel parallel(Node node, String path, Set<String> before) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("timeout", "onBranchError", "branches"), problems);
        f.require(List.of("branches"), problems);
        Duration timeout = duration(f, "timeout", DEFAULT_PARALLEL_TIMEOUT);
        String onError = oneOf(f, "onBranchError", List.of("continue", "fail"), "fail");
        List<StepSpec> branches = new ArrayList<>();
        Node branchesNode = f.get("branches");
        if (branchesNode != null) {
            SequenceNode seq = list(branchesNode, f.pathOf("branches"));
            if (seq != null && seq.getValue().isEmpty()) {
                problems.at(branchesNode, f.pathOf("branches"), "a parallel step needs at least one branch");
            } else if (seq != null) {
                // Branches run at once: none sees a sibling's output, all see what ran before.
                branchDepth++;
                try {
                    for (int i = 0; i < seq.getValue().size(); i++) {
                        StepSpec b = step(seq.getValue().get(i), f.pathOf("branches") + "[" + i + "]", before);
                        if (b != null) {
                            branches.add(b);
                        }
                    }
                } finally {
                    branchDepth--;
                }
            }
        }
        return new Step.Parallel(timeout,
                onError == null ? Step.OnBranchError.FAIL : Step.OnBranchError.valueOf(onError.toUpperCase(Locale.ROOT)),
                List.copyOf(branches));
    }

    private Step.Transform transform(Node node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("jsonata"), problems);
        f.require(List.of("jsonata"), problems);
        String expr = string(f, "jsonata");
        if (expr == null) {
            return null;
        }
        return jsonata(expr, f.get("jsonata"), f.pathOf("jsonata")) ? new Step.Transform(expr) : null;
    }

    private Step.Aggregate aggregate(Node node, String path, Set<String> before) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("jsonata", "require"), problems);
        f.require(List.of("jsonata"), problems);
        String expr = string(f, "jsonata");
        boolean ok = expr != null && jsonata(expr, f.get("jsonata"), f.pathOf("jsonata"));
        List<String> require = new ArrayList<>();
        Node reqNode = f.get("require");
        if (reqNode != null) {
            SequenceNode seq = list(reqNode, f.pathOf("require"));
            if (seq != null) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String itemPath = f.pathOf("require") + "[" + i + "]";
                    String id = string(item, itemPath);
                    if (id != null && checkStepReference(id, item, itemPath, before)) {
                        require.add(id);
                    }
                }
            }
        }
        return ok ? new Step.Aggregate(expr, List.copyOf(require)) : null;
    }

    /** How many parallel steps enclose the step being read (0: a top-level step). */
    private int branchDepth;

    private Step.Mask mask(Node node, String path, Fields stepFields) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("entities", "custom", "fields", "restore", "output"), problems);
        Boolean outputFlag = bool(f, "output");
        boolean output = outputFlag != null && outputFlag;
        if (output) {
            // output placeholders are never restored, and what is returned is not a field of input
            for (String key : List.of("fields", "restore")) {
                if (f.has(key)) {
                    problems.at(f.key(key), f.pathOf(key), "'" + key + "' does not apply to an output mask (output: true): "
                            + ("fields".equals(key) ? "it masks the previous step's output and what the pipeline returns"
                                    : "its placeholders are never restored"));
                }
            }
            // what the pipeline returns is masked by every output mask, so one must run on every request
            if (branchDepth > 0) {
                problems.at(f.key("output"), f.pathOf("output"),
                        "an output mask is a top-level step, not a parallel branch");
            }
            if (stepFields.has("when")) {
                problems.at(stepFields.key("when"), stepFields.pathOf("when"),
                        "an output mask always runs; it takes no 'when'");
            }
        }
        List<String> entities = new ArrayList<>();
        Node entNode = f.get("entities");
        if (entNode != null) {
            SequenceNode seq = list(entNode, f.pathOf("entities"));
            if (seq != null) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String value = enumValue(item, f.pathOf("entities") + "[" + i + "]", ENTITIES);
                    if (value != null) {
                        entities.add(value);
                    }
                }
            }
        }
        Map<String, String> custom = new LinkedHashMap<>();
        Node customNode = f.get("custom");
        if (customNode != null) {
            Fields c = Fields.of(customNode, f.pathOf("custom"), problems);
            if (c != null) {
                for (String name : c.keys()) {
                    if (!ENTITY_NAME.matcher(name).matches()) {
                        problems.at(c.key(name), c.pathOf(name),
                                "a custom entity name is upper case letters, digits and '_', got '" + name + "'");
                    }
                    String regex = string(c.get(name), c.pathOf(name));
                    if (regex != null) {
                        try {
                            Pattern.compile(regex);
                            custom.put(name, regex);
                        } catch (PatternSyntaxException e) {
                            problems.at(c.get(name), c.pathOf(name),
                                    "not a valid regular expression: " + e.getDescription());
                        } catch (StackOverflowError e) {
                            // Pattern.compile recurses on groups: a hostile regex must not take the reader down.
                            problems.at(c.get(name), c.pathOf(name), "the regular expression is nested too deeply");
                        }
                    }
                }
            }
        }
        boolean anyEntity = entNode instanceof SequenceNode es && !es.getValue().isEmpty();
        boolean anyCustom = customNode instanceof MappingNode cm && !cm.getValue().isEmpty();
        boolean wellTyped = (entNode == null || entNode instanceof SequenceNode)
                && (customNode == null || customNode instanceof MappingNode);
        boolean outputInvalid = f.has("output") && outputFlag == null; // reported already
        if (!anyEntity && !anyCustom && wellTyped && !output && !outputInvalid) {
            // an output mask without a list masks every built-in entity
            problems.at(node, path, "a mask step needs at least one entity or custom pattern");
        }
        List<String> fields = new ArrayList<>();
        Node fieldsNode = f.get("fields");
        if (fieldsNode != null) {
            SequenceNode seq = list(fieldsNode, f.pathOf("fields"));
            if (seq != null) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String itemPath = f.pathOf("fields") + "[" + i + "]";
                    String field = string(item, itemPath);
                    if (field != null) {
                        if (!field.startsWith("input.") || field.length() == "input.".length()) {
                            problems.at(item, itemPath, "a masked field is a path under input, such as input.text");
                        } else {
                            fields.add(field);
                        }
                    }
                }
            }
        }
        Boolean restore = bool(f, "restore");
        return new Step.Mask(List.copyOf(entities), Collections.unmodifiableMap(custom), List.copyOf(fields),
                restore != null && restore && !output, output);
    }

    static final List<String> GUARD_KEYS = List.of(
            "promptInjection", "maxInputTokens", "maxInputChars", "output", "classifier", "onClassifierError");
    static final List<String> CLASSIFIER_KEYS = List.of("targets", "strategy", "timeout", "retries", "on", "threshold");

    private Step.Guard guard(Node node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(GUARD_KEYS, problems);
        boolean output = false;
        boolean outputInvalid = false;
        Node outputNode = f.get("output");
        if (outputNode != null) {
            if (outputNode instanceof org.snakeyaml.engine.v2.nodes.ScalarNode sn
                    && ("true".equals(sn.getValue()) || "false".equals(sn.getValue()))) {
                output = Boolean.parseBoolean(sn.getValue());
            } else {
                outputInvalid = true;
                problems.at(outputNode, f.pathOf("output"), "must be true or false");
            }
        }
        String action = oneOf(f, "promptInjection", List.of("off", "flag", "block"), "off");
        Integer maxTokens = integer(f, "maxInputTokens", 1, Integer.MAX_VALUE);
        Integer maxChars = integer(f, "maxInputChars", 1, Integer.MAX_VALUE);
        GuardAction injection = action == null ? GuardAction.OFF : GuardAction.valueOf(action.toUpperCase(Locale.ROOT));
        Step.Classifier classifier = classifier(f);
        String onError = oneOf(f, "onClassifierError", List.of("allow", "block"), "allow");
        if (f.has("onClassifierError") && !f.has("classifier")) {
            problems.at(f.key("onClassifierError"), f.pathOf("onClassifierError"),
                    "onClassifierError needs a classifier");
        }
        if (output && f.has("classifier")) {
            problems.at(f.key("classifier"), f.pathOf("classifier"),
                    "an output guard does not take a classifier (the classifier judges the input)");
        }
        if ("off".equals(action) && !f.has("maxInputTokens") && !f.has("maxInputChars") && !output && !outputInvalid
                && !f.has("classifier")) {
            problems.at(node, path, "a guard step needs at least one check: promptInjection, maxInputTokens, "
                    + "maxInputChars, classifier or output");
        }
        return new Step.Guard(injection, maxTokens, maxChars, output, classifier,
                onError == null ? null : Step.OnClassifierError.valueOf(onError.toUpperCase(Locale.ROOT)));
    }

    /** {@code classifier: {targets, strategy, timeout, retries, on, threshold}}: a model step's routing plus a threshold. */
    private Step.Classifier classifier(Fields guard) {
        Node node = guard.get("classifier");
        if (node == null) {
            return null;
        }
        Fields f = Fields.of(node, guard.pathOf("classifier"), problems);
        if (f == null) {
            return null;
        }
        int errorsBefore = problems.size();
        f.allowOnly(CLASSIFIER_KEYS, problems);
        String strategyName = oneOf(f, "strategy", STRATEGIES, "fallback");
        RoutingStrategy strategy =
                strategyName == null ? RoutingStrategy.FALLBACK : RoutingStrategy.fromYamlName(strategyName);
        List<Target> targets = targets(f);
        Duration timeout = duration(f, "timeout", DEFAULT_CLASSIFIER_TIMEOUT);
        Integer retries = integer(f, "retries", 0, 5);
        Set<FallbackTrigger> on = fallbackTriggers(f);
        Double threshold = number(f, "threshold", 0, 1);
        if (problems.size() > errorsBefore) {
            return null;
        }
        return new Step.Classifier(strategy, List.copyOf(targets), timeout, retries == null ? 0 : retries, on,
                threshold == null ? DEFAULT_CLASSIFIER_THRESHOLD : threshold);
    }

    private Step.Enrich enrich(Node node, String path, Set<String> before) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("url", "method", "headers", "body", "timeout"), problems);
        f.require(List.of("url"), problems);
        String url = template(f, "url", before);
        if (url != null) {
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                int colon = url.indexOf(':');
                String scheme = colon > 0 && !url.substring(0, colon).contains("{") ? url.substring(0, colon) : null;
                problems.at(f.get("url"), f.pathOf("url"), scheme != null
                        ? "URL scheme '" + scheme + "' is not allowed (allowed: http, https)"
                        : "the URL must start with http:// or https://");
            } else {
                literalTarget(url).flatMap(u -> u.getHost() == null
                                // java.net.URI finds no host in "127.1" or "my_host": no request could be sent
                                ? java.util.Optional.of("'" + u.getRawAuthority() + "' is not a valid host name")
                                : enrichUrls.refusal(u))
                        .ifPresent(reason -> problems.at(f.get("url"), f.pathOf("url"), "enrich target refused: " + reason));
            }
        }
        String method = oneOf(f, "method", List.of("GET", "POST"), "GET");
        Map<String, String> headers = new LinkedHashMap<>();
        Node headersNode = f.get("headers");
        if (headersNode != null) {
            Fields h = Fields.of(headersNode, f.pathOf("headers"), problems);
            if (h != null) {
                for (String name : h.keys()) {
                    String value = template(h, name, before);
                    if (value != null) {
                        headers.put(name, value);
                    }
                }
            }
        }
        Object body = null;
        Node bodyNode = f.get("body");
        if (bodyNode != null) {
            templatesIn(bodyNode, f.pathOf("body"), before);
            body = Nodes.plain(bodyNode);
        }
        Duration timeout = duration(f, "timeout", DEFAULT_ENRICH_TIMEOUT);
        return new Step.Enrich(url, method, Collections.unmodifiableMap(headers), body, timeout);
    }

    /** The URL's scheme and authority when they hold no template (only those can be judged before a request). */
    private static java.util.Optional<java.net.URI> literalTarget(String url) {
        int start = url.indexOf("://") + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(0, end);
        if (authority.contains("{{")) {
            return java.util.Optional.empty();
        }
        try {
            java.net.URI uri = new java.net.URI(authority);
            return uri.getRawAuthority() == null ? java.util.Optional.empty() : java.util.Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            return java.util.Optional.empty(); // the runtime refuses an unparseable URL on the first request
        }
    }

    @SuppressWarnings("unchecked")
    private Step.Camel camel(Node node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("steps"), problems);
        f.require(List.of("steps"), problems);
        Node stepsNode = f.get("steps");
        if (stepsNode == null) {
            return null;
        }
        SequenceNode seq = list(stepsNode, f.pathOf("steps"));
        if (seq == null) {
            return null;
        }
        if (seq.getValue().isEmpty()) {
            problems.at(stepsNode, f.pathOf("steps"), "a camel step needs at least one processor");
        }
        Fields.checkTree(seq, f.pathOf("steps"), problems);
        camel.check(seq, f.pathOf("steps"));
        return new Step.Camel((List<Object>) Nodes.plain(seq));
    }

    // ---- templates, references, JSONata ----------------------------------------------------

    private String template(Fields f, String key, Set<String> before) {
        String value = string(f, key);
        if (value != null) {
            checkTemplate(value, (ScalarNode) f.get(key), f.pathOf(key), before);
        }
        return value;
    }

    private void templatesIn(Node node, String path, Set<String> before) {
        if (node instanceof MappingNode) {
            Fields f = Fields.of(node, path, problems);
            for (String key : f.keys()) {
                templatesIn(f.get(key), f.pathOf(key), before);
            }
        } else if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                templatesIn(seq.getValue().get(i), path + "[" + i + "]", before);
            }
        } else if (Nodes.isString(node)) {
            checkTemplate(((ScalarNode) node).getValue(), (ScalarNode) node, path, before);
        }
    }

    private void checkTemplate(String value, ScalarNode node, String path, Set<String> before) {
        Template template;
        try {
            template = Template.parse(value);
        } catch (TemplateSyntaxException e) {
            reportInScalar(node, e.offset(), path, "template: " + e.getMessage());
            return;
        }
        for (Template.Reference ref : template.references()) {
            String stepId = ref.stepId();
            if (stepId != null) {
                checkStepReference(stepId, node, path, before);
            }
        }
    }

    /** True when {@code id} names a step that has run before this point. */
    private boolean checkStepReference(String id, Node node, String path, Set<String> before) {
        if (before.contains(id)) {
            return true;
        }
        if (allIds.containsKey(id)) {
            problems.at(node, path, "step '" + id + "' has not run yet at this point");
        } else {
            problems.at(node, path, "unknown step '" + id + "'" + Suggestions.didYouMean(id, allIds.keySet()));
        }
        return false;
    }

    /**
     * Points inside a scalar when the offset maps to a column exactly (a single-line plain or
     * quoted scalar without escapes); otherwise at the scalar's start.
     */
    private void reportInScalar(ScalarNode node, int offset, String path, String message) {
        var start = node.getStartMark();
        var end = node.getEndMark();
        if (start.isPresent() && end.isPresent() && start.get().getLine() == end.get().getLine()) {
            int width = end.get().getColumn() - start.get().getColumn();
            int quote = switch (node.getScalarStyle()) {
                case PLAIN -> 0;
                case SINGLE_QUOTED, DOUBLE_QUOTED -> 1;
                default -> -1;
            };
            if (quote >= 0 && width == node.getValue().length() + 2 * quote) {
                problems.at(start.get().getLine() + 1, start.get().getColumn() + 1 + quote + offset, path, message);
                return;
            }
        }
        problems.at(node, path, message);
    }

    private boolean jsonata(String expr, Node node, String path) {
        try {
            Jsonata.jsonata(expr);
            unknownStepsIn(expr, node, path);
            return true;
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? "invalid expression" : e.getMessage();
            problems.at(node, path, "JSONata: " + message);
            return false;
        } catch (StackOverflowError e) {
            // The JSONata parser is recursive descent: deep nesting fails here, not in the caller.
            problems.at(node, path, "JSONata: the expression is nested too deeply");
            return false;
        }
    }

    /**
     * A JSONata path {@code steps.<id>} naming no step at all is almost surely a typo: it would
     * silently read null. String literals are skipped; order is not checked here, since a
     * condition may legitimately test for a step that was skipped.
     */
    private void unknownStepsIn(String expr, Node node, String path) {
        String code = withoutStringLiterals(expr);
        var m = JSONATA_STEP.matcher(code);
        Set<String> reported = new HashSet<>();
        while (m.find()) {
            String id = m.group(1) != null ? m.group(1) : m.group(2);
            if (!allIds.containsKey(id) && reported.add(id)) {
                problems.at(node, path, "unknown step '" + id + "'" + Suggestions.didYouMean(id, allIds.keySet()));
            }
        }
    }

    /** Blanks JSONata string literals (a loop, not a regex: no backtracking on long input). */
    private static String withoutStringLiterals(String expr) {
        StringBuilder out = new StringBuilder(expr.length());
        char quote = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote == 0) {
                if (c == '"' || c == '\'') {
                    quote = c;
                }
                out.append(c);
            } else if (c == '\\') {
                i++;
                out.append(' ');
            } else if (c == quote) {
                quote = 0;
                out.append(c);
            } else {
                out.append(' ');
            }
        }
        return out.toString();
    }

    // ---- typed values ----------------------------------------------------------------------

    private String string(Fields f, String key) {
        Node node = f.get(key);
        return node == null ? null : string(node, f.pathOf(key));
    }

    private String string(Node node, String path) {
        if (Nodes.isString(node)) {
            return ((ScalarNode) node).getValue();
        }
        problems.at(node, path, "expected a string, got " + Nodes.describe(node));
        return null;
    }

    private SequenceNode list(Node node, String path) {
        if (node instanceof SequenceNode seq) {
            return seq;
        }
        problems.at(node, path, "expected a list, got " + Nodes.describe(node));
        return null;
    }

    private String oneOf(Fields f, String key, List<String> allowed, String defaultValue) {
        Node node = f.get(key);
        return node == null ? defaultValue : enumValue(node, f.pathOf(key), allowed);
    }

    private String enumValue(Node node, String path, List<String> allowed) {
        if (!(node instanceof ScalarNode s) || Tag.NULL.equals(node.getTag())) {
            problems.at(node, path, "expected one of " + String.join(", ", allowed) + ", got " + Nodes.describe(node));
            return null;
        }
        if (!allowed.contains(s.getValue())) {
            problems.at(node, path, "expected one of " + String.join(", ", allowed) + ", got '" + s.getValue() + "'"
                    + Suggestions.didYouMean(s.getValue(), allowed));
            return null;
        }
        return s.getValue();
    }

    private Duration duration(Fields f, String key, Duration defaultValue) {
        Node node = f.get(key);
        if (node == null) {
            return defaultValue;
        }
        if (node instanceof ScalarNode s && !(s.getValue().isEmpty())) {
            try {
                Duration d = Durations.parse(s.getValue());
                if (d.isZero()) {
                    problems.at(node, f.pathOf(key), "a " + key + " must be longer than 0");
                    return defaultValue;
                }
                return d;
            } catch (IllegalArgumentException e) {
                // fall through to the common message
            }
        }
        problems.at(node, f.pathOf(key), "expected a duration such as 500ms, 10s or 2m, got " + shown(node));
        return defaultValue;
    }

    private Integer integer(Fields f, String key, int min, int max) {
        Node node = f.get(key);
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
            try {
                long v = Long.parseLong(s.getValue());
                if (v >= min && v <= max) {
                    return (int) v;
                }
            } catch (NumberFormatException e) {
                // out of range: reported below
            }
            problems.at(node, f.pathOf(key), max == Integer.MAX_VALUE
                    ? key + " must be at least " + min + ", got " + s.getValue()
                    : key + " must be between " + min + " and " + max + ", got " + s.getValue());
            return null;
        }
        problems.at(node, f.pathOf(key), "expected a whole number, got " + shown(node));
        return null;
    }

    private Double number(Fields f, String key, double min, double max) {
        Node node = f.get(key);
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode s && (Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag()))) {
            try {
                double v = Double.parseDouble(s.getValue());
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.at(node, f.pathOf(key), key + " must be between " + fmt(min) + " and " + fmt(max) + ", got "
                    + s.getValue());
            return null;
        }
        problems.at(node, f.pathOf(key), "expected a number, got " + shown(node));
        return null;
    }

    private Boolean bool(Fields f, String key) {
        Node node = f.get(key);
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
            return Boolean.valueOf(s.getValue());
        }
        problems.at(node, f.pathOf(key), "expected true or false, got " + shown(node));
        return null;
    }

    private static String shown(Node node) {
        if (node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
            return "'" + s.getValue() + "'";
        }
        return Nodes.describe(node);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
