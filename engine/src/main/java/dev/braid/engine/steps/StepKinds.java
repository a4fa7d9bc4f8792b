package dev.braid.engine.steps;

import dev.braid.engine.kind.StepKind;
import dev.braid.engine.spec.EnrichUrlCheck;
import dev.braid.engine.spec.Step;
import dev.braid.engine.steps.aggregate.AggregateKind;
import dev.braid.engine.steps.camel.CamelKind;
import dev.braid.engine.steps.enrich.EnrichKind;
import dev.braid.engine.steps.guard.GuardKind;
import dev.braid.engine.steps.mask.MaskKind;
import dev.braid.engine.steps.model.ModelKind;
import dev.braid.engine.steps.parallel.ParallelKind;
import dev.braid.engine.steps.transform.TransformKind;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every step kind of the language, one line each: the one place that knows them all. The reader
 * finds a kind by its YAML key, the compiler by the {@link Step} record's type, the runtime asks
 * for the {@code braid:} operations and Camel beans they need. A test checks this list against
 * {@code Step}'s permitted subclasses, so a kind without a registration fails the build, not a request.
 *
 * <p>The order is the order the reader lists kinds in ({@code a step needs exactly one of model,
 * parallel, …}) and the JSON Schema's.
 */
public final class StepKinds {

    private final List<StepKind<?>> kinds;
    private final Map<String, StepKind<?>> byKeyword = new LinkedHashMap<>();
    private final Map<Class<?>, StepKind<?>> byType = new LinkedHashMap<>();

    /** The kinds with default settings: camel steps may reach {@code log:} only, every enrich URL passes. */
    public static StepKinds defaults() {
        return of(Set.of("log"), EnrichUrlCheck.NONE);
    }

    /**
     * @param allowedCamelSchemes the endpoint schemes a camel step may reach
     * @param enrichUrls judges literal enrich URLs (SSRF rules) when a pipeline is read
     */
    public static StepKinds of(Set<String> allowedCamelSchemes, EnrichUrlCheck enrichUrls) {
        return new StepKinds(List.of(
                new ModelKind(),
                new ParallelKind(),
                new TransformKind(),
                new AggregateKind(),
                new MaskKind(),
                new GuardKind(),
                new EnrichKind(enrichUrls),
                new CamelKind(allowedCamelSchemes)));
    }

    private StepKinds(List<StepKind<?>> kinds) {
        this.kinds = List.copyOf(kinds);
        for (StepKind<?> k : kinds) {
            if (byKeyword.put(k.keyword(), k) != null || byType.put(k.type(), k) != null) {
                throw new IllegalStateException("step kind registered twice: " + k.keyword());
            }
        }
    }

    public List<StepKind<?>> all() {
        return kinds;
    }

    /** The YAML keys of every kind, in registration order. */
    public List<String> keywords() {
        return List.copyOf(byKeyword.keySet());
    }

    public Optional<StepKind<?>> byKeyword(String keyword) {
        return Optional.ofNullable(byKeyword.get(keyword));
    }

    /** The kind of a step; every permitted subclass of {@link Step} has one (checked by a test). */
    public StepKind<?> of(Step step) {
        StepKind<?> kind = byType.get(step.getClass());
        if (kind == null) {
            throw new IllegalStateException("no step kind registered for " + step.getClass().getName());
        }
        return kind;
    }

    /** The {@code braid:} operations every kind's routes call. */
    public Set<String> operations() {
        Set<String> ops = new LinkedHashSet<>();
        kinds.forEach(k -> ops.addAll(k.operations()));
        return ops;
    }

    /** The beans every kind's routes reference by name. */
    public Map<String, Object> camelBeans() {
        Map<String, Object> beans = new LinkedHashMap<>();
        kinds.forEach(k -> beans.putAll(k.camelBeans()));
        return beans;
    }
}
