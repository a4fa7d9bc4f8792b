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
public interface StepKind<S extends Step> {

    /** The YAML key naming the kind in a step's map ({@code model}, {@code mask}, …). */
    String keyword();

    /** The permitted subclass of {@link Step} this kind owns. */
    Class<S> type();

    /**
     * Reads the kind's map ({@code source.body()}), reporting every problem to the grammar.
     *
     * @return the step, or null when it is invalid (its problems are reported)
     */
    S read(Grammar grammar, StepSource source);

    /** Adds the processors of the step's route and its bindings; reports problems to {@code c}. */
    void compile(StepCompilation c, S step);

    /**
     * The {@code braid:<operation>} names this kind's routes call; each is served by the kind's
     * binding, which implements {@link dev.braid.engine.run.StepOperation}.
     */
    default Set<String> operations() {
        return Set.of();
    }

    /**
     * The key inside the kind's map that holds nested steps ({@code branches} of a parallel step), or
     * null: the reader collects their ids before it reads any step, so references can tell
     * "unknown" from "not yet".
     */
    default String nestedStepsKey() {
        return null;
    }

    /** Beans the kind's routes reference by name ({@code #name}), bound once per CamelContext. */
    default Map<String, Object> camelBeans() {
        return Map.of();
    }

    /** Compiles a step known to be of this kind (the registry dispatches by type). */
    default void compileStep(StepCompilation c, Step step) {
        compile(c, type().cast(step));
    }
}
