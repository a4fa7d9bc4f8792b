package dev.braid.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipeline string with {@code {{path}}} references, parsed once at deploy time. Rendering inserts
 * values as data: the values are never parsed again, so user text such as {@code {{steps}}} or
 * {@code ${sys:user.home}} comes back literally.
 *
 * <p>A path is a root ({@code input}, {@code steps}, {@code vars}) followed by {@code .name} or
 * {@code [index]} segments: {@code input.text}, {@code steps.reply.text}, {@code input.items[0].id}.
 * A template that is exactly one reference renders to the value with its JSON type; any other
 * template renders to a String (null and missing values render as the empty string).
 */
public final class Template {

    /** The roots a path may start with. */
    public static final List<String> ROOTS = List.of("input", "steps", "vars");

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
    private static final Pattern PATH = Pattern.compile(
            "[A-Za-z_][A-Za-z0-9_-]*(?:\\.[A-Za-z_][A-Za-z0-9_-]*|\\[\\d+])*");

    private final String source;
    private final List<Object> parts; // String literal or Path

    private Template(String source, List<Object> parts) {
        this.source = source;
        this.parts = parts;
    }

    /** A reference in a template: its path segments (Strings for names, Integers for indexes). */
    public record Reference(String text, List<Object> segments) {

        public String root() {
            return (String) segments.get(0);
        }

        /** The step id for {@code steps.<id>…}, else null. */
        public String stepId() {
            return "steps".equals(root()) && segments.size() > 1 && segments.get(1) instanceof String s ? s : null;
        }
    }

    /**
     * Parses a pipeline string.
     *
     * @throws TemplateSyntaxException naming the offset of the first malformed reference
     */
    public static Template parse(String source) {
        List<Object> parts = new ArrayList<>();
        Matcher m = REFERENCE.matcher(source);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(source.substring(last, m.start()));
            }
            String path = m.group(1).strip();
            if (!PATH.matcher(path).matches()) {
                throw new TemplateSyntaxException(m.start(), "'{{" + m.group(1) + "}}' is not a reference such as {{input.text}}");
            }
            Reference ref = new Reference(path, segments(path));
            if (!ROOTS.contains(ref.root())) {
                throw new TemplateSyntaxException(
                        m.start(), "'{{" + path + "}}' must start with input, steps or vars");
            }
            parts.add(ref);
            last = m.end();
        }
        if (last < source.length()) {
            parts.add(source.substring(last));
        }
        return new Template(source, List.copyOf(parts));
    }

    private static List<Object> segments(String path) {
        List<Object> segs = new ArrayList<>();
        Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d+)]").matcher(path);
        while (m.find()) {
            segs.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
        }
        return List.copyOf(segs);
    }

    public String source() {
        return source;
    }

    public List<Reference> references() {
        List<Reference> refs = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Reference r) {
                refs.add(r);
            }
        }
        return refs;
    }

    /** True when the template is one reference and nothing else (it renders with the value's type). */
    public boolean isSingleReference() {
        return parts.size() == 1 && parts.get(0) instanceof Reference;
    }

    /** True when the template holds no reference at all. */
    public boolean isLiteral() {
        return parts.stream().noneMatch(p -> p instanceof Reference);
    }

    /**
     * Renders against a root lookup ({@code "input"} → the input map, …).
     *
     * @param roots returns the value of a root name, or null
     */
    public Object render(Function<String, Object> roots) {
        if (isSingleReference()) {
            return resolve((Reference) parts.get(0), roots);
        }
        StringBuilder sb = new StringBuilder(source.length() + 32);
        for (Object p : parts) {
            if (p instanceof Reference r) {
                Object v = resolve(r, roots);
                sb.append(v == null ? "" : stringOf(v));
            } else {
                sb.append((String) p);
            }
        }
        return sb.toString();
    }

    /** Renders and converts the result to a String ({@code null} stays null). */
    public String renderString(Function<String, Object> roots) {
        Object v = render(roots);
        return v == null ? null : stringOf(v);
    }

    /**
     * Renders to a String, passing every inserted value through {@code encode} (literal text is
     * kept as written): a URL template URL-encodes what it inserts.
     */
    public String renderEncoded(Function<String, Object> roots, java.util.function.UnaryOperator<String> encode) {
        StringBuilder sb = new StringBuilder(source.length() + 32);
        for (Object p : parts) {
            if (p instanceof Reference r) {
                Object v = resolve(r, roots);
                sb.append(v == null ? "" : encode.apply(stringOf(v)));
            } else {
                sb.append((String) p);
            }
        }
        return sb.toString();
    }

    /** Follows a reference's segments through Maps and Lists; null when any step is missing. */
    public static Object resolve(Reference ref, Function<String, Object> roots) {
        Object current = roots.apply(ref.root());
        for (int i = 1; i < ref.segments().size() && current != null; i++) {
            Object seg = ref.segments().get(i);
            if (seg instanceof Integer idx && current instanceof List<?> list) {
                current = idx < list.size() ? list.get(idx) : null;
            } else if (seg instanceof String key && current instanceof Map<?, ?> map) {
                current = map.get(key);
            } else {
                current = null;
            }
        }
        return current;
    }

    private static String stringOf(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return JsonText.write(v);
        }
        return String.valueOf(v);
    }

    @Override
    public String toString() {
        return source;
    }
}
