package dev.braid.engine.steps.parallel;

import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code parallel: {timeout, onBranchError, branches}}: a Camel multicast (parallel, with timeout)
 * over the branches' routes, aggregated by {@link ParallelStrategy}, then {@code braid:join}.
 */
public final class ParallelKind extends StepKind<Step.Parallel> {

    /** The registry name of the parallel aggregation strategy. */
    public static final String STRATEGY_BEAN = "braidParallel";

    static final String OPERATION = "join";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public ParallelKind() {
        super("parallel", Step.Parallel.class, Set.of(OPERATION));
    }

    @Override
    public String nestedStepsKey() {
        return "branches";
    }

    @Override
    public Map<String, Object> camelBeans() {
        return Map.of(STRATEGY_BEAN, new ParallelStrategy());
    }

    @Override
    public Step.Parallel read(Grammar g, StepSource source) {
        Fields f = g.fields(source.body(), source.path());
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("timeout", "onBranchError", "branches"), g.problems());
        f.require(List.of("branches"), g.problems());
        Duration timeout = g.duration(f, "timeout", DEFAULT_TIMEOUT);
        String onError = g.oneOf(f, "onBranchError",
                Grammar.names(e -> e.name().toLowerCase(Locale.ROOT), Step.OnBranchError.values()), "fail");
        List<StepSpec> branches = List.of();
        Node branchesNode = f.get("branches");
        if (branchesNode != null) {
            SequenceNode seq = g.list(branchesNode, f.pathOf("branches"));
            if (seq != null && seq.getValue().isEmpty()) {
                g.error(branchesNode, f.pathOf("branches"), "a parallel step needs at least one branch");
            } else if (seq != null) {
                branches = g.branches(seq, f.pathOf("branches"), source.before());
            }
        }
        return new Step.Parallel(timeout,
                onError == null ? Step.OnBranchError.FAIL : Step.OnBranchError.valueOf(onError.toUpperCase(Locale.ROOT)),
                List.copyOf(branches));
    }

    @Override
    public void compile(StepCompilation c, Step.Parallel p) {
        List<String> branchIds = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        for (int j = 0; j < p.branches().size(); j++) {
            StepSpec b = p.branches().get(j);
            branchIds.add(b.id());
            targets.add(StepCompilation.to(c.branch(b, c.path() + ".parallel.branches[" + j + "]")));
        }
        if (p.branches().isEmpty()) {
            c.error(c.path() + ".parallel.branches", "a parallel step needs at least one branch");
        }
        c.bind(new ParallelBinding(c.id(), branchIds, p.onBranchError(), p.timeout()));
        Map<String, Object> multicast = new LinkedHashMap<>();
        multicast.put("parallelProcessing", true);
        if (p.timeout() != null) {
            // a string: that is the type Camel's YAML DSL schema gives the option
            multicast.put("timeout", String.valueOf(p.timeout().toMillis()));
        }
        multicast.put("aggregationStrategy", "#" + STRATEGY_BEAN);
        multicast.put("steps", targets);
        c.emit(Map.of("multicast", multicast));
        c.emitTo("braid:" + OPERATION + c.query());
    }
}
