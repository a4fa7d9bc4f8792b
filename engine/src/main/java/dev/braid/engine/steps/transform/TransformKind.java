package dev.braid.engine.steps.transform;

import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Step;
import java.util.List;
import java.util.Set;

/** {@code transform: {jsonata}}: reshapes data with JSONata over {@code {input, steps, vars}}. */
public final class TransformKind extends StepKind<Step.Transform> {

    static final String OPERATION = "transform";

    public TransformKind() {
        super("transform", Step.Transform.class, Set.of(OPERATION));
    }

    @Override
    public Step.Transform read(Grammar g, StepSource source) {
        Fields f = g.fields(source.body(), source.path());
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("jsonata"), g.problems());
        f.require(List.of("jsonata"), g.problems());
        String expr = g.string(f, "jsonata");
        if (expr == null) {
            return null;
        }
        return g.jsonata(expr, f.get("jsonata"), f.pathOf("jsonata")) ? new Step.Transform(expr) : null;
    }

    @Override
    public void compile(StepCompilation c, Step.Transform t) {
        c.bind(new TransformBinding(c.id(), c.jsonata(c.path() + ".transform.jsonata", t.jsonata())));
        c.emitTo("braid:" + OPERATION + c.query());
    }
}
