package dev.braid.engine.steps.camel;

import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Problems;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Checks a {@code camel} step's raw Camel YAML DSL before it can ever load. Deliberately
 * conservative: anything that could run code, reach outside the exchange or pick an endpoint the
 * operator has not allowed is refused, even where a narrower rule might be safe.
 */
public final class CamelSafety {

    /** Keys whose value is an endpoint URI (string or {@code {uri: …}}). */
    private static final Set<String> ENDPOINT_KEYS =
            Set.of("to", "toD", "wireTap", "enrich", "pollEnrich", "poll", "from", "recipientList", "routingSlip");

    /** Processors that run arbitrary code, load classes or look beans up. */
    private static final Set<String> REFUSED_PROCESSORS = Set.of(
            "bean", "process", "script", "kamelet", "dynamicRouter", "throwException", "marshal", "unmarshal",
            "convertBodyTo", "convertHeaderTo", "convertVariableTo", "transacted", "policy", "serviceCall",
            "aggregationStrategy", "aggregationStrategyRef", "onPrepare", "onPrepareRef", "executorService",
            "executorServiceRef", "processorRef", "beanType", "ref");

    /** Expression languages a camel step may use. */
    private static final List<String> ALLOWED_LANGUAGES = List.of("constant", "simple", "jsonpath", "header",
            "exchangeProperty");

    /** Expression languages Camel knows that a camel step may not use. */
    private static final Set<String> REFUSED_LANGUAGES = Set.of(
            "groovy", "joor", "java", "js", "javaScript", "python", "ognl", "mvel", "spel", "method", "csimple",
            "datasonnet", "jq", "wasm", "xpath", "xquery", "xtokenize", "tokenize", "hl7terser", "variable",
            "jsonata", "language", "mvel2");

    /** simple functions that reach outside the exchange (compared case-insensitively, by prefix). */
    private static final List<String> REFUSED_SIMPLE = List.of(
            "bean:", "sys", "env", "camelcontext", "type:", "ref:", "exception", "properties", "propertiesexist",
            "hostname", "threadname", "threadid", "messagehistory", "routeid", "stepid", "fromrouteid", "camelid",
            "collate", "function", "jq(", "xpath(", "jsonpath(", "newempty", "convertto", "bodyas", "mandatorybodyas",
            "headeras", "variableas", "exchangepropertyas", "messageas", "load", "file:", "kamelet", "spel",
            "sysenv");

    /** An OGNL method call inside {@code ${…}}, such as {@code body.getClass()}. */
    private static final Pattern METHOD_CALL = Pattern.compile("[.?]\\s*[A-Za-z_$][\\w$]*\\s*\\(");

    private static final Pattern SIMPLE_START = Pattern.compile("\\$\\{");

    private final Set<String> allowedSchemes;
    private final Problems problems;

    public CamelSafety(Set<String> allowedSchemes, Problems problems) {
        this.allowedSchemes = new TreeSet<>();
        allowedSchemes.forEach(s -> this.allowedSchemes.add(s.toLowerCase(Locale.ROOT)));
        this.problems = problems;
    }

    public void check(SequenceNode processors, String path) {
        for (int i = 0; i < processors.getValue().size(); i++) {
            Node processor = processors.getValue().get(i);
            if (!(processor instanceof MappingNode map) || map.getValue().size() != 1) {
                problems.at(processor, path + "[" + i + "]",
                        "a Camel processor is a map with one key, such as { to: \"log:audit\" }");
            }
        }
        walk(processors, path);
    }

    private void walk(Node node, String path) {
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode keyNode)) {
                    problems.at(t.getKeyNode(), path, "keys must be strings");
                    continue;
                }
                String key = keyNode.getValue();
                String keyPath = Fields.join(path, key);
                Node value = t.getValueNode();
                if (REFUSED_PROCESSORS.contains(key)) {
                    problems.at(keyNode, keyPath, "'" + key + "' can run arbitrary code and is not allowed in a camel step");
                    continue;
                }
                if (REFUSED_LANGUAGES.contains(key) && !"language".equals(key)) {
                    problems.at(keyNode, keyPath, "expression language '" + key + "' is not allowed (allowed: "
                            + String.join(", ", ALLOWED_LANGUAGES) + ")");
                    continue;
                }
                if ("language".equals(key)) {
                    checkLanguageBlock(keyNode, value, keyPath);
                }
                if ("uri".equals(key) || ENDPOINT_KEYS.contains(key)) {
                    endpoint(key, value, keyPath);
                }
                walk(value, keyPath);
            }
        } else if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                walk(seq.getValue().get(i), path + "[" + i + "]");
            }
        } else if (node instanceof ScalarNode scalar) {
            text(scalar, path);
        }
    }

    /** {@code language: {language: groovy, expression: …}} names its language in a field. */
    private void checkLanguageBlock(Node keyNode, Node value, String path) {
        if (value instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && "language".equals(k.getValue())
                        && t.getValueNode() instanceof ScalarNode v) {
                    if (!ALLOWED_LANGUAGES.contains(v.getValue())) {
                        problems.at(v, Fields.join(path, "language"), "expression language '" + v.getValue()
                                + "' is not allowed (allowed: " + String.join(", ", ALLOWED_LANGUAGES) + ")");
                    }
                    return;
                }
            }
        }
        problems.at(keyNode, path, "a language block must name one of " + String.join(", ", ALLOWED_LANGUAGES));
    }

    private void endpoint(String key, Node value, String path) {
        if (value instanceof ScalarNode scalar) {
            uri(scalar, path, key.equals("recipientList") || key.equals("routingSlip"));
        } else if (value instanceof MappingNode map) {
            // {uri: …} is checked when the walk reaches "uri"; an expression computing the
            // endpoint must still start with a literal, allowed scheme.
            boolean found = false;
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    String name = k.getValue();
                    if (name.equals("uri")) {
                        found = true;
                    } else if (name.equals("simple") || name.equals("constant")) {
                        found = true;
                        expressionEndpoint(t.getValueNode(), Fields.join(path, name));
                    } else if (name.equals("expression") && t.getValueNode() instanceof MappingNode expr) {
                        for (NodeTuple e : expr.getValue()) {
                            if (e.getKeyNode() instanceof ScalarNode ek
                                    && (ek.getValue().equals("simple") || ek.getValue().equals("constant"))) {
                                found = true;
                                expressionEndpoint(e.getValueNode(), Fields.join(path, "expression." + ek.getValue()));
                            }
                        }
                    }
                }
            }
            if (!found) {
                problems.at(value, path, "'" + key + "' must name its endpoint with a literal uri");
            }
        } else {
            problems.at(value, path, "'" + key + "' must name its endpoint with a literal uri");
        }
    }

    private void expressionEndpoint(Node node, String path) {
        if (node instanceof ScalarNode s) {
            uri(s, path, true);
        } else if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("expression")
                        && t.getValueNode() instanceof ScalarNode v) {
                    uri(v, Fields.join(path, "expression"), true);
                    return;
                }
            }
            problems.at(node, path, "the endpoint must be a literal uri");
        }
    }

    private void uri(ScalarNode node, String path, boolean list) {
        String text = node.getValue();
        for (String part : list ? text.split(",") : new String[] {text}) {
            String uri = part.strip();
            int colon = uri.indexOf(':');
            String scheme = (colon < 0 ? uri : uri.substring(0, colon)).toLowerCase(Locale.ROOT);
            if (scheme.isEmpty() || !scheme.matches("[a-z][a-z0-9+.-]*")) {
                problems.at(node, path, "the endpoint scheme must be written literally, got '" + uri + "'");
            } else if (!allowedSchemes.contains(scheme)) {
                problems.at(node, path, "endpoint scheme '" + scheme + "' is not allowed (allowed: "
                        + (allowedSchemes.isEmpty() ? "none" : String.join(", ", allowedSchemes)) + ")");
            }
        }
    }

    /** Every string in a camel step: no property placeholders, bean references or outside-reaching simple. */
    private void text(ScalarNode node, String path) {
        String value = node.getValue();
        if (value.contains("{{")) {
            problems.at(node, path, "Camel property placeholders ({{…}}) are not allowed in a camel step");
        }
        if (value.startsWith("#") || value.contains("=#") || value.contains("#class:") || value.contains("#bean:")
                || value.contains("#type:")) {
            problems.at(node, path, "bean references (#…) are not allowed in a camel step");
        }
        Matcher m = SIMPLE_START.matcher(value);
        int from = 0;
        while (m.find(from)) {
            int close = value.indexOf('}', m.end());
            String body = (close < 0 ? value.substring(m.end()) : value.substring(m.end(), close)).strip();
            String refused = refusedFunction(body);
            if (refused != null) {
                problems.at(node, path, "simple function '${" + abbreviate(body) + "}' " + refused
                        + " and is not allowed in a camel step");
                return;
            }
            from = m.end();
        }
    }

    private static String refusedFunction(String body) {
        String lower = body.toLowerCase(Locale.ROOT);
        if (lower.startsWith("exchange") && !lower.startsWith("exchangeproperty") && !lower.startsWith("exchangeid")) {
            return "reaches outside the exchange";
        }
        // exchangePropertyAs(...) and friends convert to a named class.
        if (lower.startsWith("exchangepropertyas")) {
            return "loads classes by name";
        }
        for (String prefix : REFUSED_SIMPLE) {
            if (lower.startsWith(prefix)) {
                return "reaches outside the exchange";
            }
        }
        if (METHOD_CALL.matcher(body).find()) {
            return "calls a method";
        }
        return null;
    }

    private static String abbreviate(String body) {
        int colon = body.indexOf(':');
        if (colon > 0 && colon < 20) {
            return body.substring(0, colon + 1) + "…";
        }
        return body.length() > 24 ? body.substring(0, 24) + "…" : body;
    }
}
