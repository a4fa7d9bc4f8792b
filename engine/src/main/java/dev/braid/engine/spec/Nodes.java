package dev.braid.engine.spec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads snakeyaml-engine nodes as plain Java values (Map, List, String, Long, Double, Boolean, null). */
public final class Nodes {

    private Nodes() {}

    /** "a string", "a list", … for error messages. */
    public static String describe(Node node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        Tag tag = node.getTag();
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
            return "a number";
        }
        if (Tag.BOOL.equals(tag)) {
            return "a boolean";
        }
        if (Tag.NULL.equals(tag)) {
            return "null";
        }
        return "a string";
    }

    public static boolean isString(Node node) {
        return node instanceof ScalarNode && Tag.STR.equals(node.getTag());
    }

    /**
     * The node as JSON-like data. The tree was depth-checked before composing, so recursion is
     * bounded; aliases were counted, so sharing cannot explode.
     */
    public static Object plain(Node node) {
        if (node instanceof MappingNode map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                Node key = t.getKeyNode();
                String name = key instanceof ScalarNode s ? s.getValue() : String.valueOf(plain(key));
                out.put(name, plain(t.getValueNode()));
            }
            // Specs are shared by every invocation of a version: nothing in them may change.
            return Collections.unmodifiableMap(out);
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>(seq.getValue().size());
            for (Node item : seq.getValue()) {
                out.add(plain(item));
            }
            return Collections.unmodifiableList(out);
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        if (Tag.BOOL.equals(tag)) {
            return Boolean.valueOf(value);
        }
        if (Tag.INT.equals(tag)) {
            try {
                return Long.valueOf(value);
            } catch (NumberFormatException e) {
                try {
                    return new BigInteger(value);
                } catch (NumberFormatException notDecimal) {
                    return value;
                }
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return Double.valueOf(value);
            } catch (NumberFormatException e) {
                return value;
            }
        }
        return value;
    }
}
