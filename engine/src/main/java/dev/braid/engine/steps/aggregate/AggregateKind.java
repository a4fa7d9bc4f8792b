package dev.braid.engine.steps.aggregate;

import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** {@code aggregate: {jsonata, require}}: combines branch results; fails with 422 {@code required_step_failed} when a required step failed. */
public final class AggregateKind extends StepKind<Step.Aggregate> {

    static final String OPERATION = "aggregate";

    public AggregateKind() {
        super("aggregate", Step.Aggregate.class, Set.of(OPERATION));
    }

    @Override
    public Step.Aggregate read(Grammar g, StepSource source) {
        Fields f = g.fields(source.body(), source.path());
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("jsonata", "require"), g.problems());
        f.require(List.of("jsonata"), g.problems());
        String expr = g.string(f, "jsonata");
        boolean ok = expr != null && g.jsonata(expr, f.get("jsonata"), f.pathOf("jsonata"));
        List<String> require = new ArrayList<>();
        Node reqNode = f.get("require");
        if (reqNode != null) {
            SequenceNode seq = g.list(reqNode, f.pathOf("require"));
            if (seq != null) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String itemPath = f.pathOf("require") + "[" + i + "]";
                    String id = g.string(item, itemPath);
                    if (id != null && g.checkStepReference(id, item, itemPath, source.before())) {
                        require.add(id);
                    }
                }
            }
        }
        return ok ? new Step.Aggregate(expr, List.copyOf(require)) : null;
    }

    @Override
    public void compile(StepCompilation c, Step.Aggregate a) {
        c.bind(new AggregateBinding(c.id(), c.jsonata(c.path() + ".aggregate.jsonata", a.jsonata()), a.require()));
        c.emitTo("braid:" + OPERATION + c.query());
    }
}
