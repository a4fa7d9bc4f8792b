package dev.braid.engine.spec;

import com.dashjoin.jsonata.Jsonata;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.TargetOption;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.engine.template.JsonataCalls;
import dev.braid.engine.template.Template;
import dev.braid.engine.template.TemplateSyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The shared grammar every step kind reads with: typed values (strings, lists, closed lists, durations,
 * numbers, booleans), templates and their step references, JSONata, and model routing (targets,
 * {@code on}). Every problem goes to one {@link Problems} with its position; a reader never stops
 * at the first. One instance per read: it knows every step id of the pipeline being read.
 *
 * <p>What is specific to a kind (which keys a {@code mask:} takes, what an output guard may not
 * have) lives in that kind's package, {@code dev.braid.engine.steps.<kind>}.
 */
public abstract class Grammar {

    /** A step id: starts with a letter; the reader and the compiler check it with this one pattern. */
    public static final Pattern STEP_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");

    /** What {@link #STEP_ID} means, in words, for error messages. */
    public static final String STEP_ID_RULE =
            "step id must start with a letter and hold only letters, digits, '_' or '-' (at most 63)";

    /** A pipeline name. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");

    private static final Pattern JSONATA_STEP =
            Pattern.compile("(?<![\\w.$`])steps\\s*\\.\\s*(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)");

    protected final Problems problems = new Problems();
    /** Every step id in the pipeline (branches included), first definition wins. */
    protected final Map<String, Node> allIds = new LinkedHashMap<>();
    /** How many parallel steps enclose the step being read (0: a top-level step). */
    private int branchDepth;

    /** The YAML names of a closed list: the grammar's lists come from the Java enums, in their order. */
    @SafeVarargs
    public static <E extends Enum<E>> List<String> names(Function<E, String> yamlName, E... values) {
        return Stream.of(values).map(yamlName).toList();
    }

    // ---- steps ------------------------------------------------------------------------------

    /** Reads one nested step (a parallel branch): what a list of steps holds. Null when it is invalid. */
    public abstract StepSpec step(Node node, String path, Set<String> before);

    /** Reads parallel branches: they run at once, so none sees a sibling's output, all see what ran before. */
    public List<StepSpec> branches(SequenceNode seq, String path, Set<String> before) {
        List<StepSpec> branches = new ArrayList<>();
        branchDepth++;
        try {
            for (int i = 0; i < seq.getValue().size(); i++) {
                StepSpec b = step(seq.getValue().get(i), path + "[" + i + "]", before);
                if (b != null) {
                    branches.add(b);
                }
            }
        } finally {
            branchDepth--;
        }
        return branches;
    }

    /** How many parallel steps enclose the step being read (0: a top-level step). */
    public int branchDepth() {
        return branchDepth;
    }

    // ---- problems ---------------------------------------------------------------------------

    public Problems problems() {
        return problems;
    }

    public void error(Node node, String path, String message) {
        problems.at(node, path, message);
    }

    /** How many problems so far: a reader compares before and after to know whether its part was valid. */
    public int errorCount() {
        return problems.size();
    }

    /** The map at {@code node}, or null (and an error) when it is something else. */
    public Fields fields(Node node, String path) {
        return Fields.of(node, path, problems);
    }

    /** Reports non-string and duplicate keys anywhere under {@code node} (free-form data). */
    public void checkTree(Node node, String path) {
        Fields.checkTree(node, path, problems);
    }

    // ---- templates, references, JSONata ----------------------------------------------------

    public String template(Fields f, String key, Set<String> before) {
        String value = string(f, key);
        if (value != null) {
            checkTemplate(value, (ScalarNode) f.get(key), f.pathOf(key), before);
        }
        return value;
    }

    /** Checks every string under {@code node} as a template. */
    public void templatesIn(Node node, String path, Set<String> before) {
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
    public boolean checkStepReference(String id, Node node, String path, Set<String> before) {
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
        if (start.isPresent() && node.getScalarStyle() == org.snakeyaml.engine.v2.common.ScalarStyle.LITERAL
                && offset <= node.getValue().length()) {
            // A literal block ("jsonata: |") keeps its lines: the offset's line is exact, and its column is
            // the block's indentation (read from the source buffer) plus the offset within the line.
            String before = node.getValue().substring(0, offset);
            int lineInBlock = (int) before.chars().filter(c -> c == '\n').count();
            int inLine = offset - (before.lastIndexOf('\n') + 1);
            int indent = literalIndent(start.get());
            if (indent >= 0) {
                problems.at(start.get().getLine() + 2 + lineInBlock, indent + 1 + inLine, path, message);
                return;
            }
        }
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

    /** The indentation of a literal block's first non-blank line, or -1 when the source is not at hand. */
    private static int literalIndent(org.snakeyaml.engine.v2.exceptions.Mark start) {
        int[] buffer = start.getBuffer();
        int i = start.getPointer();
        if (buffer == null || i < 0 || i >= buffer.length) {
            return -1;
        }
        while (i < buffer.length && buffer[i] != '\n') {
            i++;
        }
        while (i < buffer.length) {
            int lineStart = ++i;
            while (i < buffer.length && buffer[i] == ' ') {
                i++;
            }
            if (i < buffer.length && buffer[i] != '\n' && buffer[i] != '\r') {
                return i - lineStart;
            }
            while (i < buffer.length && buffer[i] != '\n') {
                i++;
            }
        }
        return -1;
    }

    /** Parses a JSONata expression and checks the steps it names exist; false (and an error) when it does not parse. */
    public boolean jsonata(String expr, Node node, String path) {
        try {
            Jsonata.jsonata(expr);
            unknownStepsIn(expr, node, path);
            // An unknown function or a wrong arity parses, then fails on every call: catch it here.
            List<JsonataCalls.Problem> calls = JsonataCalls.check(expr);
            for (JsonataCalls.Problem p : calls) {
                String closest = p.unknownFunction() == null ? null : Suggestions.closest(p.unknownFunction(), JsonataCalls.builtIns());
                String message = "JSONata: " + p.message() + (closest == null ? "" : " (did you mean $" + closest + "?)");
                if (node instanceof ScalarNode scalar) {
                    reportInScalar(scalar, p.offset(), path, message);
                } else {
                    problems.at(node, path, message);
                }
            }
            return calls.isEmpty();
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

    // ---- model routing (model steps and guard classifiers) ---------------------------------

    /** {@code targets: [{provider, model, …options}]}: required, at least one. */
    public List<Target> targets(Fields f) {
        Node node = f.get("targets");
        String path = f.pathOf("targets");
        if (node == null) {
            f.missing(problems, f.node(), f.path(), "missing required key 'targets'");
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
                if (!(value instanceof ScalarNode s) || Tag.NULL.equals(s.getTag())) {
                    problems.at(value, t.pathOf(key), "expected a string, number or boolean, got " + Nodes.describe(value));
                } else if (targetOption(t, key, provider, s.getValue())) {
                    options.put(key, s.getValue());
                }
            }
            if (provider != null && model != null) {
                targets.add(new Target(provider, model, options));
            }
        }
        return targets;
    }

    /**
     * Whether {@code key: value} is a target option this target's provider reads; reports why not
     * at the key (an unknown key: a provider setting such as {@code baseUrl} would be ignored).
     */
    private boolean targetOption(Fields t, String key, String provider, String value) {
        Node keyNode = t.key(key);
        java.util.Optional<TargetOption> option = TargetOption.of(key);
        if (option.isEmpty()) {
            List<String> allowed = new ArrayList<>(List.of("provider", "model"));
            allowed.addAll(TargetOption.keys());
            problems.at(keyNode, t.pathOf(key), "unknown key '" + key + "' on a target" + Suggestions.didYouMean(key, allowed)
                    + "; a target takes provider, model and " + String.join(", ", TargetOption.keys())
                    + " (provider settings such as baseUrl and apiKey belong in braid.providers or PUT /api/providers)");
            return false;
        }
        if (option.get().mockOnly() && provider != null && !TargetOption.MOCK_PROVIDER.equals(provider)) {
            problems.at(keyNode, t.pathOf(key), "option '" + key + "' is read only by the "
                    + TargetOption.MOCK_PROVIDER + " provider, not by '" + provider + "'");
            return false;
        }
        java.util.Optional<String> problem = option.get().problem(value);
        problem.ifPresent(p -> problems.at(t.get(key), t.pathOf(key), p));
        return problem.isEmpty();
    }

    /** {@code on: [429, 5xx, 408, timeout, connect]}: a non-empty list of distinct triggers. */
    public Set<FallbackTrigger> fallbackTriggers(Fields f) {
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

    // ---- typed values ----------------------------------------------------------------------

    public String string(Fields f, String key) {
        Node node = f.get(key);
        return node == null ? null : string(node, f.pathOf(key));
    }

    public String string(Node node, String path) {
        if (Nodes.isString(node)) {
            return ((ScalarNode) node).getValue();
        }
        problems.at(node, path, "expected a string, got " + Nodes.describe(node));
        return null;
    }

    public SequenceNode list(Node node, String path) {
        if (node instanceof SequenceNode seq) {
            return seq;
        }
        problems.at(node, path, "expected a list, got " + Nodes.describe(node));
        return null;
    }

    public String oneOf(Fields f, String key, List<String> allowed, String defaultValue) {
        Node node = f.get(key);
        return node == null ? defaultValue : enumValue(node, f.pathOf(key), allowed);
    }

    public String enumValue(Node node, String path, List<String> allowed) {
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

    public Duration duration(Fields f, String key, Duration defaultValue) {
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

    public Integer integer(Fields f, String key, int min, int max) {
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

    public Double number(Fields f, String key, double min, double max) {
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

    public Boolean bool(Fields f, String key) {
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

    /**
     * {@code true} or {@code false} written in any scalar style: what {@code output:} of mask and guard
     * and {@code allowNonZeroTemperature} accept. Null (and an error) for anything else.
     */
    public Boolean trueOrFalse(Node node, String path) {
        if (node instanceof ScalarNode sn && ("true".equals(sn.getValue()) || "false".equals(sn.getValue()))) {
            return Boolean.parseBoolean(sn.getValue());
        }
        problems.at(node, path, "must be true or false");
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
}
