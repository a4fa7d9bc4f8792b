package dev.braid.engine.steps.guard;

import dev.braid.components.guard.GuardAction;
import dev.braid.components.guard.GuardPolicy;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Step;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code guard: {promptInjection, maxInputTokens, maxInputChars, output, classifier, onClassifierError}}:
 * checks the (masked) input through the {@code guard:} component (heuristics first), then, when a
 * classifier is set, asks an LLM judge through {@code model:chat}; an output guard checks the
 * previous step's output for masked originals and configured secrets instead.
 */
public final class GuardKind extends StepKind<Step.Guard> {

    static final List<String> GUARD_KEYS = List.of(
            "promptInjection", "maxInputTokens", "maxInputChars", "output", "classifier", "onClassifierError");
    static final List<String> CLASSIFIER_KEYS = List.of("targets", "strategy", "timeout", "retries", "on", "threshold");
    /** The values of {@code promptInjection}: the {@link GuardAction} enum. */
    public static final List<String> ACTIONS = Grammar.names(a -> a.name().toLowerCase(Locale.ROOT), GuardAction.values());
    /** The values of {@code onClassifierError}: the {@link Step.OnClassifierError} enum. */
    public static final List<String> ON_CLASSIFIER_ERROR =
            Grammar.names(a -> a.name().toLowerCase(Locale.ROOT), Step.OnClassifierError.values());

    /** A judge sits in front of every request: shorter than a model step's 30s. */
    private static final Duration DEFAULT_CLASSIFIER_TIMEOUT = Duration.ofSeconds(10);
    private static final double DEFAULT_CLASSIFIER_THRESHOLD = 0.5;

    public GuardKind() {
        super("guard", Step.Guard.class);
    }

    @Override
    public Step.Guard read(Grammar g, StepSource source) {
        Node node = source.body();
        String path = source.path();
        Fields f = g.fields(node, path);
        if (f == null) {
            return null;
        }
        f.allowOnly(GUARD_KEYS, g.problems());
        boolean output = false;
        boolean outputInvalid = false;
        Node outputNode = f.get("output");
        if (outputNode != null) {
            Boolean flag = g.trueOrFalse(outputNode, f.pathOf("output"));
            outputInvalid = flag == null;
            output = flag != null && flag;
        }
        String action = g.oneOf(f, "promptInjection", ACTIONS, "off");
        Integer maxTokens = g.integer(f, "maxInputTokens", 1, Integer.MAX_VALUE);
        Integer maxChars = g.integer(f, "maxInputChars", 1, Integer.MAX_VALUE);
        GuardAction injection = action == null ? GuardAction.OFF : GuardAction.valueOf(action.toUpperCase(Locale.ROOT));
        Step.Classifier classifier = classifier(g, f);
        String onError = g.oneOf(f, "onClassifierError", ON_CLASSIFIER_ERROR, "allow");
        if (f.has("onClassifierError") && !f.has("classifier")) {
            g.error(f.key("onClassifierError"), f.pathOf("onClassifierError"), "onClassifierError needs a classifier");
        }
        if (output && f.has("classifier")) {
            g.error(f.key("classifier"), f.pathOf("classifier"),
                    "an output guard does not take a classifier (the classifier judges the input)");
        }
        if ("off".equals(action) && !f.has("maxInputTokens") && !f.has("maxInputChars") && !output && !outputInvalid
                && !f.has("classifier")) {
            g.error(node, path, "a guard step needs at least one check: promptInjection, maxInputTokens, "
                    + "maxInputChars, classifier or output");
        }
        return new Step.Guard(injection, maxTokens, maxChars, output, classifier,
                onError == null ? null : Step.OnClassifierError.valueOf(onError.toUpperCase(Locale.ROOT)));
    }

    /** {@code classifier: {targets, strategy, timeout, retries, on, threshold}}: a model step's routing plus a threshold. */
    private static Step.Classifier classifier(Grammar g, Fields guard) {
        Node node = guard.get("classifier");
        if (node == null) {
            return null;
        }
        Fields f = g.fields(node, guard.pathOf("classifier"));
        if (f == null) {
            return null;
        }
        int errorsBefore = g.errorCount();
        f.allowOnly(CLASSIFIER_KEYS, g.problems());
        String strategyName = g.oneOf(f, "strategy", Grammar.names(RoutingStrategy::yamlName, RoutingStrategy.values()),
                "fallback");
        RoutingStrategy strategy =
                strategyName == null ? RoutingStrategy.FALLBACK : RoutingStrategy.fromYamlName(strategyName);
        List<Target> targets = g.targets(f);
        Duration timeout = g.duration(f, "timeout", DEFAULT_CLASSIFIER_TIMEOUT);
        Integer retries = g.integer(f, "retries", 0, 5);
        Set<FallbackTrigger> on = g.fallbackTriggers(f);
        Double threshold = g.number(f, "threshold", 0, 1);
        if (g.errorCount() > errorsBefore) {
            return null;
        }
        return new Step.Classifier(strategy, List.copyOf(targets), timeout, retries == null ? 0 : retries, on,
                threshold == null ? DEFAULT_CLASSIFIER_THRESHOLD : threshold);
    }

    @Override
    public void compile(StepCompilation c, Step.Guard g) {
        GuardClassifierBinding judge = g.classifier() == null ? null : judge(c, c.path() + ".guard.classifier", g);
        c.bind(new GuardBinding(
                c.id(), new GuardPolicy(g.promptInjection(), g.maxInputTokens(), g.maxInputChars()),
                g.output() ? new GuardBinding.OutputCheck(c.previousStep(), c.outputSecrets()) : null, judge != null));
        c.emitTo("guard:check" + c.query());
        if (judge != null) {
            // heuristics first: a block there throws, so the judge is only asked about what they let pass
            c.bind(judge);
            c.emitTo("model:chat" + c.query());
        }
    }

    private static GuardClassifierBinding judge(StepCompilation c, String path, Step.Guard g) {
        Step.Classifier cl = g.classifier();
        RoutingPolicy routing;
        try {
            routing = new RoutingPolicy(cl.strategy(), cl.targets() == null ? List.of() : cl.targets(), cl.timeout(),
                    cl.retries(), cl.on());
        } catch (IllegalArgumentException e) {
            c.error(path + ".targets", e.getMessage());
            return null;
        }
        if (g.output()) {
            c.error(path, "an output guard does not take a classifier");
            return null;
        }
        return new GuardClassifierBinding(c.id(), routing, cl.threshold(), g.promptInjection(),
                g.onClassifierError() == Step.OnClassifierError.BLOCK);
    }
}
