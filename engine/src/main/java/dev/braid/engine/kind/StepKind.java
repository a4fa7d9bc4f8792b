package dev.braid.engine.kind;

import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Step;
import java.util.Map;
import java.util.Set;

/**
 * One step kind: how its YAML is read, and how a read step is compiled into Camel route
 * processors and the bindings its endpoints look up. Each kind lives in its own package
 * ({@code dev.braid.engine.steps.<kind>}) and is registered by one line in
 * {@code dev.braid.engine.steps.StepKinds}.
 *
 * @param <S> the {@link Step} record this kind reads and compiles
 */
public abstract class StepKind<S extends Step> {

    private final String keyword;
    private final Class<S> type;
    private final Set<String> operations;

    /**
     * @param keyword the YAML key naming the kind in a step's map
     * @param type the permitted subclass of {@link Step} this kind owns
     * @param operations the {@code braid:<operation>} names this kind's routes call; each is served by
     *     the kind's binding, which implements {@link dev.braid.engine.run.StepOperation}
     */
    protected StepKind(String keyword, Class<S> type, Set<String> operations) {
        this.keyword = keyword;
        this.type = type;
        this.operations = Set.copyOf(operations);
    }

    protected StepKind(String keyword, Class<S> type) {
        this(keyword, type, Set.of());
    }

    /** The YAML key naming the kind in a step's map ({@code model}, {@code mask}, …). */
    public final String keyword() {
        return keyword;
    }

    /** The permitted subclass of {@link Step} this kind owns. */
    public final Class<S> type() {
        return type;
    }

    /** The {@code braid:<operation>} names this kind's routes call. */
    public final Set<String> operations() {
        return operations;
    }

    /**
     * Reads the kind's map ({@code source.body()}), reporting every problem to the grammar.
     *
     * @return the step, or null when it is invalid (its problems are reported)
     */
    public abstract S read(Grammar grammar, StepSource source);

    /** Adds the processors of the step's route and its bindings; reports problems to {@code c}. */
    public abstract void compile(StepCompilation c, S step);

    /**
     * The key inside the kind's map that holds nested steps ({@code branches} of a parallel step), or
     * null: the reader collects their ids before it reads any step, so references can tell
     * "unknown" from "not yet".
     */
    public String nestedStepsKey() {
        return null;
    }

    /** Beans the kind's routes reference by name ({@code #name}), bound once per CamelContext. */
    public Map<String, Object> camelBeans() {
        return Map.of();
    }

    /** Compiles a step known to be of this kind (the registry dispatches by type). */
    public final void compileStep(StepCompilation c, Step step) {
        compile(c, type().cast(step));
    }
}
