package dev.braid.engine.run;

import dev.braid.components.model.api.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.camel.Exchange;

/**
 * The state of one invocation: {@code input} (replaced by its masked copy after a mask step),
 * {@code steps.<id>} outputs, {@code vars}, per-step results and summed usage.
 *
 * <p>Stored in the exchange property {@link #EXCHANGE_PROPERTY}. Parallel branches run on copies of
 * the exchange, but a property copy shares the same object, so every branch writes into this one
 * context and nothing needs merging. Each step completes at most once: once a parallel step's
 * timeout has marked a branch {@code timeout}, that branch's late write (it keeps running, Camel
 * does not cancel it) is ignored.
 */
public final class PipelineContext {

    public static final String EXCHANGE_PROPERTY = "BraidPipelineContext";

    private final String pipeline;
    private final int version;
    private final long startNanos = System.nanoTime();
    private volatile Object input;
    private final Map<String, Object> steps = new ConcurrentHashMap<>();
    private final Map<String, Object> vars = new ConcurrentHashMap<>();
    private final Map<String, Completed> results = new ConcurrentHashMap<>();
    private final Map<String, Started> started = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicReference<Usage> usage = new AtomicReference<>(Usage.ZERO);

    private record Started(int order, long nanos) {}

    private record Completed(int order, StepResult result) {}

    private final Map<String, Integer> declared;

    public PipelineContext(String pipeline, int version, Object input) {
        this(pipeline, version, input, List.of());
    }

    /**
     * @param stepOrder every step id in declaration order (depth first); results are reported in
     *     this order, which is the execution order of sequential steps and a stable one for
     *     parallel branches that run at once
     */
    public PipelineContext(String pipeline, int version, Object input, List<String> stepOrder) {
        this.pipeline = pipeline;
        this.version = version;
        this.input = input;
        Map<String, Integer> order = new java.util.HashMap<>();
        for (int i = 0; i < stepOrder.size(); i++) {
            order.put(stepOrder.get(i), i);
        }
        this.declared = order;
    }

    /** The context of an exchange that runs a pipeline. */
    public static PipelineContext of(Exchange exchange) {
        PipelineContext ctx = exchange.getProperty(EXCHANGE_PROPERTY, PipelineContext.class);
        if (ctx == null) {
            throw new IllegalStateException("exchange carries no " + EXCHANGE_PROPERTY);
        }
        return ctx;
    }

    public String pipeline() {
        return pipeline;
    }

    public int version() {
        return version;
    }

    public Object input() {
        return input;
    }

    /** Replaces the input (a mask step's masked copy); later steps see the new value. */
    public void replaceInput(Object masked) {
        this.input = masked;
    }

    /** The output of a step, or null when it has none (not run, skipped, failed, timed out). */
    public Object output(String stepId) {
        return steps.get(stepId);
    }

    public Map<String, Object> vars() {
        return vars;
    }

    /** Notes that a step began; its latency is measured from here. */
    public void begin(String stepId) {
        started.putIfAbsent(stepId, new Started(sequence.getAndIncrement(), System.nanoTime()));
    }

    /** Milliseconds since the step began (0 when it never began). */
    public long elapsedMs(String stepId) {
        Started s = started.get(stepId);
        return s == null ? 0 : (System.nanoTime() - s.nanos()) / 1_000_000;
    }

    /**
     * Records a step's result and output, once. Returns false (and changes nothing) when the step
     * already has a result, e.g. a branch that finishes after its parallel step timed out.
     */
    public synchronized boolean complete(String stepId, Object output, StepResult result) {
        Integer d = declared.get(stepId);
        Started s = started.get(stepId);
        int order = d != null ? d : (s == null ? Integer.MAX_VALUE : declared.size() + s.order());
        if (results.putIfAbsent(stepId, new Completed(order, result)) != null) {
            return false;
        }
        if (output != null) {
            steps.put(stepId, output);
        }
        if (result.usage() != null) {
            usage.accumulateAndGet(result.usage(), Usage::plus);
        }
        return true;
    }

    /** An ok result for a step that ran here (no model, no usage), timed from its begin. */
    public StepResult ok(String stepId) {
        return new StepResult(stepId, StepStatus.OK, elapsedMs(stepId), null, null, null);
    }

    /** The result recorded for a step, or null. */
    public StepResult result(String stepId) {
        Completed c = results.get(stepId);
        return c == null ? null : c.result();
    }

    /** Step results in declaration order (steps not declared: in the order they began). */
    public List<StepResult> results() {
        List<Completed> all = new ArrayList<>(results.values());
        all.sort(Comparator.comparingInt(Completed::order));
        return all.stream().map(Completed::result).toList();
    }

    public Usage usage() {
        return usage.get();
    }

    public long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * A snapshot of {@code {input, steps, vars}} as plain Maps, for JSONata. Missing steps are
     * absent keys, which JSONata reads as undefined and templates as null.
     */
    public Map<String, Object> view() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("input", input);
        root.put("steps", new LinkedHashMap<>(steps));
        root.put("vars", new LinkedHashMap<>(vars));
        return root;
    }

    /** Root lookup for {@code Template.render}. */
    public Function<String, Object> roots() {
        return root -> switch (root) {
            case "input" -> input;
            case "steps" -> steps;
            case "vars" -> vars;
            default -> null;
        };
    }
}
