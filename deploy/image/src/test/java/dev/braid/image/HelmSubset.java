package dev.braid.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Renders the chart's templates where helm is not installed: the subset of Helm's template language
 * that deploy/helm/braid uses, with Helm's meaning ({{- and -}} trim whitespace, a missing value is
 * empty, a pipe passes its value as the last argument). Values, .Release and .Chart fields; if/else/end;
 * define/include; the functions quote, b64enc, toYaml, nindent, default, required, not, sha256sum.
 * Anything else fails the render, so a template that outgrows the subset fails the test instead of
 * being checked wrongly.
 */
final class HelmSubset {

    private sealed interface Node permits Text, Output, If {}

    private record Text(String text) implements Node {}

    private record Output(String pipeline) implements Node {}

    private record If(String condition, List<Node> then, List<Node> otherwise) implements Node {}

    private final Map<String, List<Node>> defines = new HashMap<>();

    HelmSubset(String helpers) {
        parse(helpers);
    }

    String render(String template, Map<String, Object> root) {
        StringBuilder out = new StringBuilder();
        run(parse(template), root, out);
        return out.toString();
    }

    // --- parsing: text and {{ actions }}, with Helm's whitespace trimming, into a tree -------------

    private List<Node> parse(String source) {
        List<String> tokens = new ArrayList<>(); // text and "{{action}}" alternately
        int at = 0;
        while (true) {
            int open = source.indexOf("{{", at);
            if (open < 0) {
                tokens.add(source.substring(at));
                break;
            }
            int close = source.indexOf("}}", open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed {{ at " + open);
            }
            tokens.add(source.substring(at, open));
            tokens.add(source.substring(open, close + 2));
            at = close + 2;
        }
        for (int i = 1; i < tokens.size(); i += 2) {
            String action = tokens.get(i);
            if (action.startsWith("{{- ")) {
                tokens.set(i - 1, tokens.get(i - 1).stripTrailing());
            }
            if (action.endsWith(" -}}")) {
                tokens.set(i + 1, tokens.get(i + 1).stripLeading());
            }
        }
        List<List<Node>> stack = new ArrayList<>();
        List<Object[]> frames = new ArrayList<>(); // {kind, argument, then-list or null}
        List<Node> current = new ArrayList<>();
        List<Node> top = current;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (i % 2 == 0) {
                if (!token.isEmpty()) {
                    current.add(new Text(token));
                }
                continue;
            }
            String action = token.substring(2, token.length() - 2);
            action = action.startsWith("-") ? action.substring(1) : action;
            action = action.endsWith("-") ? action.substring(0, action.length() - 1) : action;
            action = action.strip();
            if (action.startsWith("if ") || action.startsWith("define ")) {
                stack.add(current);
                frames.add(new Object[] {action.startsWith("if ") ? "if" : "define", action.substring(action.indexOf(' ') + 1).strip(), null});
                current = new ArrayList<>();
            } else if (action.equals("else")) {
                Object[] frame = frames.get(frames.size() - 1);
                if (!frame[0].equals("if") || frame[2] != null) {
                    throw new IllegalArgumentException("else outside if");
                }
                frame[2] = current;
                current = new ArrayList<>();
            } else if (action.equals("end")) {
                Object[] frame = frames.remove(frames.size() - 1);
                List<Node> body = current;
                current = stack.remove(stack.size() - 1);
                if (frame[0].equals("define")) {
                    defines.put(unquote((String) frame[1]), body);
                } else {
                    @SuppressWarnings("unchecked")
                    List<Node> then = frame[2] == null ? body : (List<Node>) frame[2];
                    current.add(new If((String) frame[1], then, frame[2] == null ? List.of() : body));
                }
            } else if (action.startsWith("/*")) {
                continue;
            } else if (action.matches("^(range|with|template|block|\\$).*")) {
                throw new IllegalArgumentException("not in the subset: {{ " + action + " }}");
            } else {
                current.add(new Output(action));
            }
        }
        if (!frames.isEmpty()) {
            throw new IllegalArgumentException("missing {{ end }}");
        }
        return top;
    }

    // --- evaluation -------------------------------------------------------------------------------

    private void run(List<Node> nodes, Object dot, StringBuilder out) {
        for (Node node : nodes) {
            if (node instanceof Text t) {
                out.append(t.text());
            } else if (node instanceof Output o) {
                out.append(print(pipeline(o.pipeline(), dot)));
            } else if (node instanceof If f) {
                run(truthy(pipeline(f.condition(), dot)) ? f.then() : f.otherwise(), dot, out);
            }
        }
    }

    private Object pipeline(String source, Object dot) {
        Object value = null;
        boolean first = true;
        for (String command : split(source, '|')) {
            List<String> words = split(command.strip(), ' ');
            List<Object> args = new ArrayList<>();
            for (String word : words.subList(1, words.size())) {
                args.add(term(word, dot));
            }
            if (!first) {
                args.add(value);
            }
            String head = words.get(0);
            if (head.startsWith(".") || head.startsWith("\"") || head.matches("-?\\d+")) {
                if (!first || words.size() > 1) {
                    throw new IllegalArgumentException("not a function: " + head);
                }
                value = term(head, dot);
            } else {
                value = call(head, args);
            }
            first = false;
        }
        return value;
    }

    private Object call(String function, List<Object> args) {
        return switch (function) {
            case "include" -> {
                List<Node> body = defines.get((String) args.get(0));
                if (body == null) {
                    throw new IllegalArgumentException("no define " + args.get(0));
                }
                StringBuilder out = new StringBuilder();
                run(body, args.get(1), out);
                yield out.toString();
            }
            case "quote" -> "\"" + print(args.get(0)).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case "b64enc" -> Base64.getEncoder().encodeToString(print(args.get(0)).getBytes(StandardCharsets.UTF_8));
            case "toYaml" -> toYaml(args.get(0));
            case "nindent" -> "\n" + indent(((Number) args.get(0)).intValue(), print(args.get(1)));
            case "default" -> truthy(args.get(1)) ? args.get(1) : args.get(0);
            case "required" -> {
                if (!truthy(args.get(1))) {
                    throw new IllegalArgumentException("required: " + args.get(0));
                }
                yield args.get(1);
            }
            case "not" -> !truthy(args.get(0));
            case "sha256sum" -> {
                try {
                    yield HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(print(args.get(0)).getBytes(StandardCharsets.UTF_8)));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            default -> throw new IllegalArgumentException("not in the subset: function " + function);
        };
    }

    private static Object term(String word, Object dot) {
        if (word.equals(".")) {
            return dot;
        }
        if (word.startsWith("\"")) {
            return unquote(word);
        }
        if (word.matches("-?\\d+")) {
            return Integer.parseInt(word);
        }
        if (!word.startsWith(".")) {
            throw new IllegalArgumentException("not in the subset: " + word);
        }
        Object value = dot;
        for (String key : word.substring(1).split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(key) : null;
        }
        return value;
    }

    static boolean truthy(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return false;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value instanceof List<?> l) {
            return !l.isEmpty();
        }
        return true;
    }

    private static String print(Object value) {
        return value == null ? "" : value.toString();
    }

    /** Helm's toYaml: block style, no final newline. */
    private static String toYaml(Object value) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
        return new Dump(settings).dumpToString(value).stripTrailing();
    }

    private static String indent(int spaces, String text) {
        String pad = " ".repeat(spaces);
        return String.join("\n", text.lines().map(l -> pad + l).toList());
    }

    private static String unquote(String word) {
        if (!word.startsWith("\"") || !word.endsWith("\"") || word.length() < 2) {
            throw new IllegalArgumentException("not a string: " + word);
        }
        return word.substring(1, word.length() - 1);
    }

    /** Splits on sep outside double quotes, dropping empty parts. */
    private static List<String> split(String source, char sep) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (char c : source.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == sep && !quoted) {
                if (!part.toString().isBlank()) {
                    parts.add(part.toString());
                }
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        if (!part.toString().isBlank()) {
            parts.add(part.toString());
        }
        return parts;
    }
}
