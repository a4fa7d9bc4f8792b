package dev.braid.engine.template;

import com.dashjoin.jsonata.Jsonata;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the function calls of a parsed JSONata expression against the library's built-ins, so that
 * {@code $lowerCase(x)} (the built-in is {@code $lowercase}) or {@code $substring()} is an error at
 * deploy, with its offset, instead of a failure on every call.
 *
 * <p>The names and arities come from the library itself (dashjoin's static frame and each function's
 * signature), not from a list of ours, so a library upgrade cannot make them drift. dashjoin exposes
 * neither its AST nor its frame publicly, so both are read reflectively, once; if that ever fails
 * (a new library version), the check turns itself off rather than rejecting valid pipelines.
 *
 * <p>A name bound inside the expression ({@code $f := function($x){…}}, a lambda's parameter, a
 * {@code @$v}/{@code #$i} binding) may be called freely: it is not a built-in call.
 */
public final class JsonataCalls {

    /**
     * One bad call: where it starts in the expression (0-based), what is wrong, and for an unknown
     * function its name (else null), so the grammar can add its usual "did you mean".
     */
    public record Problem(int offset, String message, String unknownFunction) {}

    /** Arity of one built-in: {@code max} is -1 when variadic. */
    private record Arity(int min, int max) {}

    private static final Library LIBRARY = Library.load();

    private JsonataCalls() {}

    /** True when the library's built-ins could be read (the check is active). */
    public static boolean active() {
        return LIBRARY != null;
    }

    /** The built-in function names ({@code lowercase}, {@code substring}, …), sorted. */
    public static List<String> builtIns() {
        return LIBRARY == null ? List.of() : LIBRARY.arities.keySet().stream().sorted().toList();
    }

    /** Checks the calls in {@code expr}, which must parse; an empty list when every call is fine. */
    public static List<Problem> check(String expr) {
        if (LIBRARY == null) {
            return List.of();
        }
        Object ast;
        try {
            ast = LIBRARY.ast.get(Jsonata.jsonata(expr));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return List.of();
        }
        List<Call> calls = new ArrayList<>();
        Set<String> bound = new HashSet<>();
        LIBRARY.walk(ast, calls, bound, Collections.newSetFromMap(new IdentityHashMap<>()));
        List<Problem> problems = new ArrayList<>();
        for (Call call : calls) {
            if (bound.contains(call.name)) {
                continue;
            }
            int offset = Math.max(0, call.end - call.name.length() - 1);
            Arity arity = LIBRARY.arities.get(call.name);
            if (arity == null) {
                problems.add(new Problem(offset, "unknown function $" + call.name, call.name));
            } else if (call.args < arity.min || (arity.max >= 0 && call.args > arity.max)) {
                problems.add(new Problem(offset, "$" + call.name + " takes " + describe(arity) + ", got "
                        + call.args, null));
            }
        }
        return problems;
    }

    private static String describe(Arity a) {
        if (a.max < 0) {
            return "at least " + a.min + " argument" + (a.min == 1 ? "" : "s");
        }
        if (a.min == a.max) {
            return a.min + " argument" + (a.min == 1 ? "" : "s");
        }
        return a.min + " to " + a.max + " arguments";
    }

    private record Call(String name, int end, int args) {}

    /** The reflective view of the library: its AST field, the symbol's fields, the built-ins' arities. */
    private record Library(Field ast, Class<?> symbol, List<Field> children, Field type, Field value, Field position,
            Field procedure, Field arguments, Field lhs, Field rhs, Field focus, Field index,
            Map<String, Arity> arities) {

        static Library load() {
            try {
                Field ast = open(Jsonata.class.getDeclaredField("ast"));
                Class<?> symbol = Class.forName("com.dashjoin.jsonata.Parser$Symbol");
                List<Field> children = new ArrayList<>();
                for (Field f : symbol.getDeclaredFields()) {
                    // ancestor points back up the tree; this$0 is the parser
                    if (!f.getName().equals("ancestor") && !f.getName().startsWith("this$")
                            && !java.lang.reflect.Modifier.isStatic(f.getModifiers())
                            && (f.getType() == symbol || List.class.isAssignableFrom(f.getType()))) {
                        children.add(open(f));
                    }
                }
                Field frame = open(Jsonata.class.getDeclaredField("staticFrame"));
                Field bindings = open(Jsonata.Frame.class.getDeclaredField("bindings"));
                Field signature = open(Jsonata.JFunction.class.getDeclaredField("signature"));
                Jsonata.jsonata("1"); // makes sure the static frame is filled
                Map<?, ?> builtIns = (Map<?, ?>) bindings.get(frame.get(null));
                Map<String, Arity> arities = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : builtIns.entrySet()) {
                    if (!(e.getValue() instanceof Jsonata.JFunction fn)) {
                        continue;
                    }
                    Object sig = signature.get(fn);
                    if (sig == null) {
                        continue;
                    }
                    var s = (com.dashjoin.jsonata.utils.Signature) sig;
                    Field regex = open(s.getClass().getDeclaredField("_signature"));
                    String pattern = String.valueOf(regex.get(s));
                    boolean variadic = pattern.contains("+)") || pattern.contains("+]");
                    arities.put(String.valueOf(e.getKey()),
                            new Arity(s.getMinNumberOfArgs(), variadic ? -1 : s.getNumberOfArgs()));
                }
                if (arities.isEmpty()) {
                    return null;
                }
                return new Library(ast, symbol, List.copyOf(children), open(symbol.getDeclaredField("type")),
                        open(symbol.getDeclaredField("value")), open(symbol.getDeclaredField("position")),
                        open(symbol.getDeclaredField("procedure")), open(symbol.getDeclaredField("arguments")),
                        open(symbol.getDeclaredField("lhs")), open(symbol.getDeclaredField("rhs")),
                        open(symbol.getDeclaredField("focus")), open(symbol.getDeclaredField("index")),
                        Map.copyOf(arities));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        private static Field open(Field f) {
            f.setAccessible(true);
            return f;
        }

        void walk(Object node, List<Call> calls, Set<String> bound, Set<Object> seen) {
            if (node == null || !symbol.isInstance(node) || !seen.add(node)) {
                return;
            }
            try {
                String t = (String) type.get(node);
                if ("bind".equals(t)) {
                    variableName(lhs.get(node), bound);
                } else if ("lambda".equals(t) && arguments.get(node) instanceof List<?> params) {
                    params.forEach(p -> variableName(p, bound));
                }
                if (focus.get(node) instanceof String s) {
                    bound.add(s);
                }
                if (index.get(node) instanceof String s) {
                    bound.add(s);
                }
                if ("function".equals(t) || "partial".equals(t)) {
                    call(node, 0, calls);
                } else if ("apply".equals(t)) {
                    Object right = rhs.get(node);
                    if (right != null && "function".equals(type.get(right))) {
                        // x ~> $f(a) calls $f(x, a): the left side is the first argument
                        call(right, 1, calls);
                        seen.add(right);
                        walkChildren(right, calls, bound, seen);
                    }
                }
                walkChildren(node, calls, bound, seen);
            } catch (IllegalAccessException e) {
                // cannot happen: every field was opened in load()
            }
        }

        private void walkChildren(Object node, List<Call> calls, Set<String> bound, Set<Object> seen)
                throws IllegalAccessException {
            for (Field f : children) {
                Object v = f.get(node);
                if (v instanceof List<?> list) {
                    for (Object o : list) {
                        if (o instanceof Object[] pair) {
                            for (Object p : pair) {
                                walk(p, calls, bound, seen);
                            }
                        } else {
                            walk(o, calls, bound, seen);
                        }
                    }
                } else {
                    walk(v, calls, bound, seen);
                }
            }
        }

        private void call(Object node, int implicitArgs, List<Call> calls) throws IllegalAccessException {
            Object proc = procedure.get(node);
            if (proc == null || !"variable".equals(type.get(proc)) || !(value.get(proc) instanceof String name)
                    || name.isEmpty()) {
                return;
            }
            int args = arguments.get(node) instanceof List<?> l ? l.size() : 0;
            calls.add(new Call(name, (Integer) position.get(proc), args + implicitArgs));
        }

        private void variableName(Object node, Set<String> bound) {
            try {
                if (node != null && symbol.isInstance(node) && "variable".equals(type.get(node))
                        && value.get(node) instanceof String s) {
                    bound.add(s);
                }
            } catch (IllegalAccessException e) {
                // cannot happen: opened in load()
            }
        }
    }
}
