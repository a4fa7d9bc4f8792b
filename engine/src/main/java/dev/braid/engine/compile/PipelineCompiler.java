package dev.braid.engine.compile;

import dev.braid.components.guard.GuardPolicy;
import dev.braid.components.mask.MaskPolicy;
import dev.braid.components.mask.Masker;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import dev.braid.engine.spec.ValidationError;
import dev.braid.engine.template.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles a pipeline spec into Camel YAML DSL plus step bindings.
 *
 * <p>One route per step ({@code direct:braid.<name>.v<N>.<stepId>}) and an entry route
 * ({@code direct:braid.<name>.v<N>}) that calls the top-level steps in order, then
 * {@code braid:finish}. No pipeline string (prompt, template, JSONata, URL) is ever written into
 * the Camel YAML: Camel would resolve its own {@code {{…}}} and {@code ${…}} there. A route names its
 * step by key ({@code model:chat?step=<name>/<N>/<stepId>}) and the endpoint looks the step up.
 * Templates and JSONata are parsed here, once per version.
 */
public final class PipelineCompiler {

    /** What output guards block besides masked originals (literal, or {@code regex:} patterns). */
    private final List<java.util.regex.Pattern> outputSecrets;

    public PipelineCompiler() {
        this(java.util.Set.of());
    }

    /** @param outputSecrets literal strings, or {@code regex:<pattern>}, an output guard blocks */
    public PipelineCompiler(java.util.Set<String> outputSecrets) {
        this.outputSecrets = outputSecrets.stream()
                .filter(s -> !s.isEmpty())
                .sorted()
                .map(s -> s.startsWith("regex:")
                        ? java.util.regex.Pattern.compile(s.substring("regex:".length()))
                        : java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(s)))
                .toList();
    }

    /** Exchange property a {@code when} step's filter tests; set by {@code braid:when}. */
    public static final String STEP_ENABLED_PROPERTY = "BraidStepEnabled";

    /** The registry name of the parallel aggregation strategy. */
    public static final String PARALLEL_STRATEGY_BEAN = "braidParallel";

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
    private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    /**
     * @throws InvalidPipelineException when a template, JSONata expression or option is invalid
     */
    public CompiledPipeline compile(PipelineSpec spec, int version) {
        return new Run(spec, version, outputSecrets).compile();
    }

    private static final class Run {
        private final PipelineSpec spec;
        private final int version;
        private final List<ValidationError> errors = new ArrayList<>();
        private final List<Object> routes = new ArrayList<>();
        private final Map<String, List<Object>> bindings = new LinkedHashMap<>();
        private final Set<String> ids = new java.util.LinkedHashSet<>();
        private boolean restore;
        private final List<Masker> outputMaskers = new ArrayList<>();
        private final List<java.util.regex.Pattern> outputSecrets;
        /** The top-level step before the one being compiled: what an output guard checks. */
        private String previousStep;

        Run(PipelineSpec spec, int version, List<java.util.regex.Pattern> outputSecrets) {
            this.spec = spec;
            this.version = version;
            this.outputSecrets = outputSecrets;
        }

        CompiledPipeline compile() {
            String name = spec.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new InvalidPipelineException(List.of(new ValidationError(
                        0, 0, "name", "name must match [a-z0-9-]{1,63}")));
            }
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1");
            }
            if (spec.steps().isEmpty()) {
                errors.add(new ValidationError(0, 0, "steps", "a pipeline needs at least one step"));
            }
            List<Object> entrySteps = new ArrayList<>();
            List<Object> stepRoutes = new ArrayList<>();
            for (int i = 0; i < spec.steps().size(); i++) {
                StepSpec s = spec.steps().get(i);
                entrySteps.add(to(StepKeys.stepUri(name, version, s.id())));
                previousStep = i == 0 ? null : spec.steps().get(i - 1).id();
                compileStep(s, "steps[" + i + "]", stepRoutes);
            }
            String versionKey = StepKeys.versionKey(name, version);
            entrySteps.add(to("braid:finish?step=" + versionKey));
            if (!errors.isEmpty()) {
                throw new InvalidPipelineException(errors);
            }
            String lastId = spec.steps().get(spec.steps().size() - 1).id();
            bindings.put(versionKey, List.of(new FinishBinding(lastId, restore, outputMaskers)));
            routes.add(route(StepKeys.group(name, version), StepKeys.entryUri(name, version), entrySteps));
            routes.addAll(stepRoutes);
            return new CompiledPipeline(name, version, CamelYaml.write(routes), bindings, List.copyOf(ids));
        }

        private void compileStep(StepSpec s, String fallbackPath, List<Object> out) {
            String path = s.position() != null && !s.position().path().isEmpty() ? s.position().path() : fallbackPath;
            if (s.id() == null || !STEP_ID.matcher(s.id()).matches()) {
                error(s, path + ".id", "step id must match [A-Za-z0-9_-]{1,63}");
                return;
            }
            if (!ids.add(s.id())) {
                error(s, path + ".id", "duplicate step id '" + s.id() + "'");
                return;
            }
            String key = StepKeys.stepKey(spec.name(), version, s.id());
            // the step's own route comes before its branches' routes
            int slot = out.size();
            out.add(null);
            JsonataExpression when = null;
            if (s.when() != null) {
                when = jsonata(s, path + ".when", s.when());
            }
            List<Object> kindBindings = new ArrayList<>();
            kindBindings.add(new StepPlan(key, s.id(), when));
            List<Object> body = new ArrayList<>();
            String q = "?step=" + key;
            if (s.step() instanceof Step.Model m) {
                ModelBinding b = model(s, path + ".model", m);
                if (b != null) {
                    kindBindings.add(b);
                }
                body.add(to("model:" + (m.task() == null ? "chat" : m.task().uriName()) + q));
            } else if (s.step() instanceof Step.Mask m && m.output()) {
                MaskPolicy policy = new MaskPolicy(m.entities(), m.custom(), false);
                try {
                    outputMaskers.add(new Masker(policy));
                } catch (IllegalArgumentException e) {
                    error(s, path + ".mask", e.getMessage());
                }
                kindBindings.add(MaskBinding.output(s.id(), policy, previousStep));
                body.add(to("mask:output" + q));
            } else if (s.step() instanceof Step.Mask m) {
                List<Template.Reference> fields = new ArrayList<>();
                for (String f : m.fields() == null ? List.<String>of() : m.fields()) {
                    Template.Reference ref = reference(s, path + ".mask.fields", f);
                    if (ref != null) {
                        fields.add(ref);
                    }
                }
                restore |= m.restore();
                kindBindings.add(new MaskBinding(s.id(), new MaskPolicy(m.entities(), m.custom(), m.restore()), fields));
                body.add(to("mask:mask" + q));
            } else if (s.step() instanceof Step.Guard g) {
                GuardClassifierBinding judge = g.classifier() == null ? null : classifier(s, path + ".guard.classifier", g);
                kindBindings.add(new GuardBinding(
                        s.id(), new GuardPolicy(g.promptInjection(), g.maxInputTokens(), g.maxInputChars()),
                        g.output() ? new GuardBinding.OutputCheck(previousStep, outputSecrets) : null, judge != null));
                body.add(to("guard:check" + q));
                if (judge != null) {
                    // heuristics first: a block there throws, so the judge is only asked about what they let pass
                    kindBindings.add(judge);
                    body.add(to("model:chat" + q));
                }
            } else if (s.step() instanceof Step.Transform t) {
                JsonataExpression e = jsonata(s, path + ".transform.jsonata", t.jsonata());
                kindBindings.add(new TransformBinding(s.id(), e));
                body.add(to("braid:transform" + q));
            } else if (s.step() instanceof Step.Aggregate a) {
                JsonataExpression e = jsonata(s, path + ".aggregate.jsonata", a.jsonata());
                kindBindings.add(new AggregateBinding(s.id(), e, a.require()));
                body.add(to("braid:aggregate" + q));
            } else if (s.step() instanceof Step.Enrich e) {
                EnrichBinding b = enrich(s, path + ".enrich", e);
                if (b != null) {
                    kindBindings.add(b);
                }
                body.add(to("braid:enrich" + q));
            } else if (s.step() instanceof Step.Camel c) {
                kindBindings.add(new CamelBinding(s.id()));
                body.add(to("braid:camel-in" + q));
                if (c.steps() != null) {
                    body.addAll(c.steps());
                }
                body.add(to("braid:camel-out" + q));
            } else if (s.step() instanceof Step.Parallel p) {
                List<String> branchIds = new ArrayList<>();
                List<Object> targets = new ArrayList<>();
                for (int j = 0; j < p.branches().size(); j++) {
                    StepSpec b = p.branches().get(j);
                    branchIds.add(b.id());
                    targets.add(to(StepKeys.stepUri(spec.name(), version, b.id())));
                    compileStep(b, path + ".parallel.branches[" + j + "]", out);
                }
                if (p.branches().isEmpty()) {
                    error(s, path + ".parallel.branches", "a parallel step needs at least one branch");
                }
                kindBindings.add(new ParallelBinding(s.id(), branchIds, p.onBranchError(), p.timeout()));
                Map<String, Object> multicast = new LinkedHashMap<>();
                multicast.put("parallelProcessing", true);
                if (p.timeout() != null) {
                    // a string: that is the type Camel's YAML DSL schema gives the option
                    multicast.put("timeout", String.valueOf(p.timeout().toMillis()));
                }
                multicast.put("aggregationStrategy", "#" + PARALLEL_STRATEGY_BEAN);
                multicast.put("steps", targets);
                body.add(Map.of("multicast", multicast));
                body.add(to("braid:join" + q));
            } else {
                throw new IllegalStateException("unknown step kind " + s.step().kind());
            }
            bindings.put(key, List.copyOf(kindBindings));
            List<Object> steps = new ArrayList<>();
            if (when == null) {
                steps.add(to("braid:begin" + q));
                steps.addAll(body);
            } else {
                steps.add(to("braid:when" + q));
                Map<String, Object> filter = new LinkedHashMap<>();
                filter.put("expression", Map.of("exchangeProperty", Map.of("expression", STEP_ENABLED_PROPERTY)));
                filter.put("steps", body);
                steps.add(Map.of("filter", filter));
            }
            out.set(slot, route(
                    StepKeys.routeId(spec.name(), version, s.id()), StepKeys.stepUri(spec.name(), version, s.id()), steps));
        }

        private ModelBinding model(StepSpec s, String path, Step.Model m) {
            RoutingPolicy routing;
            try {
                routing = new RoutingPolicy(m.strategy(), m.targets() == null ? List.of() : m.targets(), m.timeout(), m.retries(), m.on());
            } catch (IllegalArgumentException e) {
                error(s, path + ".targets", e.getMessage());
                return null;
            }
            Template system = null, user = null;
            if (m.prompt() != null) {
                system = template(s, path + ".prompt.system", m.prompt().system());
                user = template(s, path + ".prompt.user", m.prompt().user());
            }
            Template messages = template(s, path + ".messages", m.messages());
            if (messages != null && !messages.isSingleReference()) {
                error(s, path + ".messages", "messages must be exactly one reference such as {{input.messages}}");
            }
            Template text = template(s, path + ".text", m.text());
            Template image = template(s, path + ".image", m.image());
            GenerationOptions options = new GenerationOptions(m.temperature(), m.maxTokens(), null, null);
            return new ModelBinding(s.id(), m.task() == null ? dev.braid.components.model.api.ModelTask.CHAT : m.task(),
                    routing, system, user, messages, text, image, options, m.cache());
        }

        private GuardClassifierBinding classifier(StepSpec s, String path, Step.Guard g) {
            Step.Classifier c = g.classifier();
            RoutingPolicy routing;
            try {
                routing = new RoutingPolicy(c.strategy(), c.targets() == null ? List.of() : c.targets(), c.timeout(),
                        c.retries(), c.on());
            } catch (IllegalArgumentException e) {
                error(s, path + ".targets", e.getMessage());
                return null;
            }
            if (g.output()) {
                error(s, path, "an output guard does not take a classifier");
                return null;
            }
            return new GuardClassifierBinding(s.id(), routing, c.threshold(), g.promptInjection(),
                    g.onClassifierError() == Step.OnClassifierError.BLOCK);
        }

        private EnrichBinding enrich(StepSpec s, String path, Step.Enrich e) {
            if (e.url() == null) {
                error(s, path + ".url", "enrich needs a url");
                return null;
            }
            String lower = e.url().toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                error(s, path + ".url", "enrich url must start with http:// or https://");
                return null;
            }
            Template url = template(s, path + ".url", e.url());
            Map<String, Template> headers = new LinkedHashMap<>();
            if (e.headers() != null) {
                e.headers().forEach((k, v) -> headers.put(k, template(s, path + ".headers." + k, v)));
            }
            if (e.method() != null && !Set.of("GET", "POST", "PUT").contains(e.method().toUpperCase(Locale.ROOT))) {
                error(s, path + ".method", "method must be GET, POST or PUT");
            }
            Object body;
            try {
                body = EnrichBinding.compileBody(e.body());
            } catch (IllegalArgumentException ex) {
                error(s, path + ".body", ex.getMessage());
                return null;
            }
            if (url == null) {
                return null;
            }
            return new EnrichBinding(s.id(), url, e.method(), headers, body, e.timeout());
        }

        private Template template(StepSpec s, String path, String source) {
            if (source == null) {
                return null;
            }
            try {
                return Template.parse(source);
            } catch (IllegalArgumentException e) {
                error(s, path, e.getMessage());
                return null;
            }
        }

        private Template.Reference reference(StepSpec s, String path, String field) {
            Template t = template(s, path, "{{" + field + "}}");
            if (t == null) {
                return null;
            }
            Template.Reference ref = t.references().get(0);
            if (!"input".equals(ref.root())) {
                error(s, path, "mask fields must name input values such as input.text");
                return null;
            }
            return ref;
        }

        private JsonataExpression jsonata(StepSpec s, String path, String source) {
            if (source == null) {
                error(s, path, "a JSONata expression is required");
                return null;
            }
            try {
                return JsonataExpression.parse(source);
            } catch (IllegalArgumentException e) {
                error(s, path, e.getMessage());
                return null;
            }
        }

        private void error(StepSpec s, String path, String message) {
            SourcePosition pos = s.position() == null ? SourcePosition.UNKNOWN : s.position();
            errors.add(new ValidationError(pos.line(), pos.column(), path, message));
        }

        private static Map<String, Object> to(String uri) {
            return Map.of("to", uri);
        }

        private Map<String, Object> route(String id, String uri, List<Object> steps) {
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("uri", uri);
            from.put("steps", steps);
            Map<String, Object> route = new LinkedHashMap<>();
            route.put("id", id);
            route.put("group", StepKeys.group(spec.name(), version));
            route.put("from", from);
            return Map.of("route", route);
        }
    }
}
