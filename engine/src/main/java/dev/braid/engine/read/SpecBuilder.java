package dev.braid.engine.read;

import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.InputSchema;
import dev.braid.engine.spec.Nodes;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import dev.braid.engine.spec.Suggestions;
import dev.braid.engine.steps.StepKinds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Builds a {@link PipelineSpec} from a composed node tree and validates it in the same walk,
 * collecting every error with its position. One instance per read. The pipeline's own keys and a
 * step's {@code id} and {@code when} are read here; what is under a kind's key is read by that kind
 * ({@link StepKinds}), with the shared {@link Grammar}.
 */
final class SpecBuilder extends Grammar {

    static final List<String> TOP_KEYS = List.of("apiVersion", "kind", "name", "description", "input", "stream", "steps");

    private final StepKinds kinds;
    private final List<String> stepKeys;

    SpecBuilder(StepKinds kinds) {
        this.kinds = kinds;
        Set<String> keys = new LinkedHashSet<>(List.of("id", "when"));
        keys.addAll(kinds.keywords());
        this.stepKeys = List.copyOf(keys);
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
        Optional<StepSpec> target = StepSpec.allOf(steps).stream().filter(s -> s.id().equals(stream)).findFirst();
        // absent when the step itself was invalid; that error is already reported.
        if (target.isPresent() && !target.get().step().streamsText()) {
            problems.at(node, "stream", "stream must name a chat model step; '" + stream + "' is not one");
        }
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
            nested(k.getValue(), t.getValueNode()).ifPresent(n ->
                    collectIds(n.seq(), path + "." + k.getValue() + "." + n.key()));
        }
    }

    /** The ids a step node defines (itself and its nested steps), for the steps that follow it. */
    private void idsIn(Node stepNode, Set<String> out) {
        if (!(stepNode instanceof MappingNode map)) {
            return;
        }
        for (var t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                if ("id".equals(k.getValue()) && Nodes.isString(t.getValueNode())) {
                    out.add(((ScalarNode) t.getValueNode()).getValue());
                }
                nested(k.getValue(), t.getValueNode()).ifPresent(n -> n.seq().getValue().forEach(b -> idsIn(b, out)));
            }
        }
    }

    private record Nested(String key, SequenceNode seq) {}

    /** The nested steps under a kind's map ({@code parallel: {branches: […]}}), when the kind has any. */
    private Optional<Nested> nested(String keyword, Node body) {
        String key = kinds.byKeyword(keyword).map(StepKind::nestedStepsKey).orElse(null);
        if (key == null || !(body instanceof MappingNode kindMap)) {
            return Optional.empty();
        }
        for (var pt : kindMap.getValue()) {
            if (pt.getKeyNode() instanceof ScalarNode pk && key.equals(pk.getValue())
                    && pt.getValueNode() instanceof SequenceNode seq) {
                return Optional.of(new Nested(key, seq));
            }
        }
        return Optional.empty();
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

    @Override
    public StepSpec step(Node node, String path, Set<String> before) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        f.allowOnly(stepKeys, problems);
        f.require(List.of("id"), problems);
        String id = string(f, "id");
        if (id != null && !STEP_ID.matcher(id).matches()) {
            problems.at(f.get("id"), f.pathOf("id"), STEP_ID_RULE + ", got '" + id + "'");
        }
        String when = string(f, "when");
        if (when != null) {
            jsonata(when, f.get("when"), f.pathOf("when"));
        }
        List<String> found = new ArrayList<>();
        for (String k : f.keys()) {
            if (kinds.byKeyword(k).isPresent()) {
                found.add(k);
            }
        }
        if (found.isEmpty()) {
            // A misspelt kind ("transfrom") is already an unknown key; one error says it best.
            if (!stepKeys.containsAll(f.keys())) {
                return null;
            }
            problems.at(node, path, "a step needs exactly one of " + String.join(", ", kinds.keywords()));
            return null;
        }
        if (found.size() > 1) {
            problems.at(f.key(found.get(1)), f.pathOf(found.get(1)),
                    "a step has exactly one kind; found both '" + found.get(0) + "' and '" + found.get(1) + "'");
            return null;
        }
        String keyword = found.get(0);
        StepKind<?> kind = kinds.byKeyword(keyword).orElseThrow();
        Step step = kind.read(this, new StepSource(f.get(keyword), f.pathOf(keyword), f, before));
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
}
