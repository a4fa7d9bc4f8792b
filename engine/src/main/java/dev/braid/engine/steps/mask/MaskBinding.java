package dev.braid.engine.steps.mask;

import dev.braid.components.mask.MaskPolicy;
import dev.braid.components.mask.MaskStepBinding;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.StepStatus;
import dev.braid.engine.template.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * A mask step as {@code mask:} sees it. Without {@code fields} the whole input is masked; with
 * them, {@link #read} hands over only those values (keyed by field path) and {@link #write} puts the
 * masked values back into a copy of the input. The masked input replaces the context's input.
 *
 * <p>An output mask ({@link #output(String, MaskPolicy, String)}, run by {@code mask:output}) reads
 * the previous top-level step's output instead, as an output guard does, and its masked copy
 * becomes only its own output: the input stays as it is.
 */
public final class MaskBinding implements MaskStepBinding {

    private final String id;
    private final MaskPolicy policy;
    private final List<Template.Reference> fields;
    private final boolean output;
    /** An output mask's source step (null: the input). */
    private final String source;

    MaskBinding(String id, MaskPolicy policy, List<Template.Reference> fields) {
        this(id, policy, fields, false, null);
    }

    private MaskBinding(String id, MaskPolicy policy, List<Template.Reference> fields, boolean output, String source) {
        this.id = id;
        this.policy = policy;
        this.fields = List.copyOf(fields);
        this.output = output;
        this.source = source;
    }

    /** An output mask of {@code source}'s output (null: of the input). */
    static MaskBinding output(String id, MaskPolicy policy, String source) {
        return new MaskBinding(id, policy, List.of(), true, source);
    }

    public boolean isOutput() {
        return output;
    }

    public String id() {
        return id;
    }

    @Override
    public MaskPolicy policy() {
        return policy;
    }

    @Override
    public Object read(Exchange exchange) {
        PipelineContext ctx = PipelineContext.of(exchange);
        if (output) {
            return source == null ? ctx.input() : ctx.output(source);
        }
        if (fields.isEmpty()) {
            return ctx.input();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Template.Reference f : fields) {
            Object v = Template.resolve(f, ctx.roots());
            if (v != null) {
                values.put(f.text(), v);
            }
        }
        return values;
    }

    @Override
    public void write(Exchange exchange, Object masked) {
        PipelineContext ctx = PipelineContext.of(exchange);
        if (output) {
            ctx.complete(id, masked, new StepResult(id, StepStatus.OK, ctx.elapsedMs(id), null, null, null));
            return;
        }
        Object input;
        if (fields.isEmpty()) {
            input = masked;
        } else {
            input = ctx.input();
            Map<?, ?> values = (Map<?, ?>) masked;
            for (Template.Reference f : fields) {
                if (values.containsKey(f.text())) {
                    input = withValue(input, f.segments(), 1, values.get(f.text()));
                }
            }
        }
        ctx.replaceInput(input);
        ctx.complete(id, input, new StepResult(id, StepStatus.OK, ctx.elapsedMs(id), null, null, null));
    }

    /** A copy of {@code node} with the value at {@code path[from..]} replaced; the original is untouched. */
    private static Object withValue(Object node, List<Object> path, int from, Object value) {
        if (from == path.size()) {
            return value;
        }
        Object seg = path.get(from);
        if (seg instanceof String key && node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), v));
            copy.put(key, withValue(map.get(key), path, from + 1, value));
            return copy;
        }
        if (seg instanceof Integer idx && node instanceof List<?> list && idx < list.size()) {
            List<Object> copy = new ArrayList<>(list);
            copy.set(idx, withValue(list.get(idx), path, from + 1, value));
            return copy;
        }
        return node;
    }
}
