package dev.braid.engine.steps.camel;

import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Nodes;
import dev.braid.engine.spec.Step;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code camel: {steps}}: the escape hatch, raw Camel YAML DSL processors run on the step's body,
 * between {@code braid:camel-in} (body = input) and {@code braid:camel-out} (body = the step's output).
 * Endpoint schemes, languages and processors are checked by {@link CamelSafety}.
 */
public final class CamelKind extends StepKind<Step.Camel> {

    static final String IN = "camel-in";
    static final String OUT = "camel-out";

    private final Set<String> allowedSchemes;

    /** @param allowedSchemes the endpoint schemes a camel step may reach ({@code log} by default) */
    public CamelKind(Set<String> allowedSchemes) {
        super("camel", Step.Camel.class, Set.of(IN, OUT));
        this.allowedSchemes = Set.copyOf(allowedSchemes);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Step.Camel read(Grammar g, StepSource source) {
        Fields f = g.fields(source.body(), source.path());
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("steps"), g.problems());
        f.require(List.of("steps"), g.problems());
        Node stepsNode = f.get("steps");
        if (stepsNode == null) {
            return null;
        }
        SequenceNode seq = g.list(stepsNode, f.pathOf("steps"));
        if (seq == null) {
            return null;
        }
        if (seq.getValue().isEmpty()) {
            g.error(stepsNode, f.pathOf("steps"), "a camel step needs at least one processor");
        }
        g.checkTree(seq, f.pathOf("steps"));
        new CamelSafety(allowedSchemes, g.problems()).check(seq, f.pathOf("steps"));
        return new Step.Camel((List<Object>) Nodes.plain(seq));
    }

    @Override
    public void compile(StepCompilation c, Step.Camel step) {
        c.holdsRawCamel();
        c.bind(new CamelBinding(c.id()));
        c.emitTo("braid:" + IN + c.query());
        if (step.steps() != null) {
            step.steps().forEach(c::emit);
        }
        c.emitTo("braid:" + OUT + c.query());
    }
}
