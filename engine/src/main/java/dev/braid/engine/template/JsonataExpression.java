package dev.braid.engine.template;

import com.dashjoin.jsonata.Jsonata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSONata expression parsed once at deploy time and evaluated over {@code {input, steps, vars}}.
 *
 * <p>dashjoin's {@code Jsonata} keeps per-evaluation state in a per-thread copy of the evaluator
 * ({@code getPerThreadInstance}), so one parsed instance may be evaluated from many threads; we
 * never bind custom variables, which is where its known cross-instance leak lies (jsonata-java #93).
 */
public final class JsonataExpression {

    private final String source;
    private final Jsonata parsed;

    private JsonataExpression(String source, Jsonata parsed) {
        this.source = source;
        this.parsed = parsed;
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException with the parser's message when it is not valid JSONata
     */
    public static JsonataExpression parse(String source) {
        try {
            return new JsonataExpression(source, Jsonata.jsonata(source));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid JSONata: " + e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    /** Evaluates over {@code root}; JSON nulls come back as Java null. */
    public Object evaluate(Map<String, Object> root) {
        return plain(parsed.evaluate(root));
    }

    /** Evaluates as a condition, with JSONata's truthiness. */
    public boolean test(Map<String, Object> root) {
        Object v = parsed.evaluate(root);
        return v != null && v != Jsonata.NULL_VALUE && Jsonata.boolize(v);
    }

    private static Object plain(Object v) {
        if (v == Jsonata.NULL_VALUE) {
            return null;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, val) -> out.put(String.valueOf(k), plain(val)));
            return out;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(e -> out.add(plain(e)));
            return out;
        }
        return v;
    }
}
