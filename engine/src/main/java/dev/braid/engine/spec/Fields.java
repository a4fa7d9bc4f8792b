package dev.braid.engine.spec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML map seen as named fields, with its path. Building one reports non-string and duplicate
 * keys (at the key); {@link #allowOnly} reports unknown keys with a suggestion.
 */
public final class Fields {

    private final MappingNode node;
    private final String path;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private boolean unknownKeys;

    private Fields(MappingNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        for (NodeTuple tuple : node.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode scalar) || !Tag.STR.equals(key.getTag())) {
                problems.at(key, path, "keys must be strings, got " + Nodes.describe(key));
                continue;
            }
            if (entries.containsKey(scalar.getValue())) {
                problems.at(key, join(path, scalar.getValue()), "duplicate key '" + scalar.getValue() + "'");
                continue;
            }
            entries.put(scalar.getValue(), tuple);
        }
    }

    /** The map at {@code node}, or null (and an error) when it is something else. */
    public static Fields of(Node node, String path, Problems problems) {
        if (node instanceof MappingNode map) {
            return new Fields(map, path, problems);
        }
        problems.at(node, path, "expected a map, got " + Nodes.describe(node));
        return null;
    }

    /** Reports non-string and duplicate keys anywhere under {@code node} (free-form data such as input). */
    public static void checkTree(Node node, String path, Problems problems) {
        if (node instanceof MappingNode) {
            Fields f = new Fields((MappingNode) node, path, problems);
            for (String key : f.keys()) {
                checkTree(f.get(key), f.pathOf(key), problems);
            }
        } else if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                checkTree(seq.getValue().get(i), path + "[" + i + "]", problems);
            }
        }
    }

    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public void allowOnly(Collection<String> allowed, Problems problems) {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                unknownKeys = true;
                problems.at(
                        e.getValue().getKeyNode(),
                        pathOf(e.getKey()),
                        "unknown key '" + e.getKey() + "'" + Suggestions.didYouMean(e.getKey(), allowed));
            }
        }
    }

    /** Reports every key of {@code required} that is missing, at the map itself. */
    public void require(Collection<String> required, Problems problems) {
        for (String key : required) {
            if (!entries.containsKey(key)) {
                missing(problems, node, path, "missing required key '" + key + "'");
            }
        }
    }

    /** True once {@link #allowOnly} found a key it does not allow (often the misspelling of a missing one). */
    public boolean hasUnknownKeys() {
        return unknownKeys;
    }

    /**
     * Reports something missing from this map: a derived error when the map has an unknown key, since
     * the unknown key is most likely the missing one misspelt ({@code promt:}) and is the error to read first.
     */
    public void missing(Problems problems, Node at, String atPath, String message) {
        if (unknownKeys) {
            problems.derived(at, atPath, message);
        } else {
            problems.at(at, atPath, message);
        }
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Node get(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    public Node key(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getKeyNode();
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public String pathOf(String key) {
        return join(path, key);
    }

    public String path() {
        return path;
    }

    public MappingNode node() {
        return node;
    }
}
