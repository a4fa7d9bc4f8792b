package dev.braid.engine.compile;

import dev.braid.components.mask.Masker;
import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.run.StepPlan;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.SourcePosition;
import dev.braid.engine.spec.StepSpec;
import dev.braid.engine.spec.ValidationError;
import dev.braid.engine.steps.StepKinds;
import dev.braid.engine.template.JsonataExpression;
import dev.braid.engine.template.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
 *
 * <p>What a step's route holds between {@code braid:begin} (or the {@code when} filter) and its end
 * is up to the step's kind ({@link StepKinds}); this class writes the frame around it.
 */
public final class PipelineCompiler {

    /** What output guards block besides masked originals (literal, or {@code regex:} patterns). */
    private final List<Pattern> outputSecrets;
    private final StepKinds kinds;

    public PipelineCompiler() {
        this(Set.of());
    }

    /** @param outputSecrets literal strings, or {@code regex:<pattern>}, an output guard blocks */
    public PipelineCompiler(Set<String> outputSecrets) {
        this(outputSecrets, StepKinds.defaults());
    }

    public PipelineCompiler(Set<String> outputSecrets, StepKinds kinds) {
        this.outputSecrets = outputSecrets.stream()
                .filter(s -> !s.isEmpty())
                .sorted()
                .map(s -> s.startsWith("regex:")
                        ? Pattern.compile(s.substring("regex:".length()))
                        : Pattern.compile(Pattern.quote(s)))
                .toList();
        this.kinds = kinds;
    }

    /**
     * @throws InvalidPipelineException when a template, JSONata expression or option is invalid
     */
    public CompiledPipeline compile(PipelineSpec spec, int version) {
        return new Run(spec, version).compile();
    }

    private final class Run {
        private final PipelineSpec spec;
        private final int version;
        private final List<ValidationError> errors = new ArrayList<>();
        private final List<Object> routes = new ArrayList<>();
        private final Map<String, List<Object>> bindings = new LinkedHashMap<>();
        private final Set<String> ids = new LinkedHashSet<>();
        private boolean restore;
        private boolean sharesMaskVault;
        private SourcePosition rawCamelAt;
        private final List<Masker> outputMaskers = new ArrayList<>();
        /** The top-level step before the one being compiled: what an output guard checks. */
        private String previousStep;

        Run(PipelineSpec spec, int version) {
            this.spec = spec;
            this.version = version;
        }

        CompiledPipeline compile() {
            String name = spec.name();
            if (name == null || !Grammar.NAME.matcher(name).matches()) {
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
                entrySteps.add(StepCompilation.to(StepKeys.stepUri(name, version, s.id())));
                previousStep = i == 0 ? null : spec.steps().get(i - 1).id();
                compileStep(s, "steps[" + i + "]", stepRoutes);
            }
            String versionKey = StepKeys.versionKey(name, version);
            entrySteps.add(StepCompilation.to("braid:finish?step=" + versionKey));
            if (!errors.isEmpty()) {
                throw new InvalidPipelineException(errors);
            }
            String lastId = spec.steps().get(spec.steps().size() - 1).id();
            bindings.put(versionKey, List.of(new FinishBinding(lastId, restore, outputMaskers)));
            routes.add(route(StepKeys.group(name, version), StepKeys.entryUri(name, version), entrySteps));
            routes.addAll(stepRoutes);
            return new CompiledPipeline(name, version, CamelYaml.write(routes), bindings, List.copyOf(ids),
                    sharesMaskVault, rawCamelAt);
        }

        private void compileStep(StepSpec s, String fallbackPath, List<Object> out) {
            String path = s.position() != null && !s.position().path().isEmpty() ? s.position().path() : fallbackPath;
            if (s.id() == null || !Grammar.STEP_ID.matcher(s.id()).matches()) {
                error(s, path + ".id", Grammar.STEP_ID_RULE + ", got '" + s.id() + "'");
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
            Compilation c = new Compilation(s, path, key, out);
            c.bind(new StepPlan(key, s.id(), when));
            kinds.of(s.step()).compileStep(c, s.step());
            bindings.put(key, List.copyOf(c.bindings));
            String q = c.query();
            List<Object> steps = new ArrayList<>();
            if (when == null) {
                steps.add(StepCompilation.to("braid:begin" + q));
                steps.addAll(c.body);
            } else {
                steps.add(StepCompilation.to("braid:when" + q));
                Map<String, Object> filter = new LinkedHashMap<>();
                filter.put("expression", Map.of("exchangeProperty", Map.of("expression", StepPlan.ENABLED_PROPERTY)));
                filter.put("steps", c.body);
                steps.add(Map.of("filter", filter));
            }
            out.set(slot, route(
                    StepKeys.routeId(spec.name(), version, s.id()), StepKeys.stepUri(spec.name(), version, s.id()), steps));
        }

        /** One step's view of this run: what its kind writes and reports goes here. */
        private final class Compilation implements StepCompilation {
            private final StepSpec step;
            private final String path;
            private final String key;
            private final List<Object> routesOut;
            final List<Object> bindings = new ArrayList<>();
            final List<Object> body = new ArrayList<>();

            Compilation(StepSpec step, String path, String key, List<Object> routesOut) {
                this.step = step;
                this.path = path;
                this.key = key;
                this.routesOut = routesOut;
            }

            @Override
            public StepSpec step() {
                return step;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String key() {
                return key;
            }

            @Override
            public void emit(Object processor) {
                body.add(processor);
            }

            @Override
            public void bind(Object binding) {
                bindings.add(binding);
            }

            @Override
            public void error(String at, String message) {
                Run.this.error(step, at, message);
            }

            @Override
            public Template template(String at, String source) {
                if (source == null) {
                    return null;
                }
                try {
                    return Template.parse(source);
                } catch (IllegalArgumentException e) {
                    error(at, e.getMessage());
                    return null;
                }
            }

            @Override
            public JsonataExpression jsonata(String at, String source) {
                return Run.this.jsonata(step, at, source);
            }

            @Override
            public String previousStep() {
                return previousStep;
            }

            @Override
            public List<Pattern> outputSecrets() {
                return outputSecrets;
            }

            @Override
            public void restoreOutput() {
                restore = true;
            }

            @Override
            public void maskOutput(Masker masker) {
                outputMaskers.add(masker);
            }

            @Override
            public void sharesMaskVault() {
                sharesMaskVault = true;
            }

            @Override
            public void holdsRawCamel() {
                if (rawCamelAt == null) {
                    SourcePosition pos = step.position() == null ? SourcePosition.UNKNOWN : step.position();
                    rawCamelAt = new SourcePosition(pos.line(), pos.column(),
                            pos.path().isEmpty() ? "steps" : pos.path() + "." + kinds.of(step.step()).keyword());
                }
            }

            @Override
            public String branch(StepSpec branch, String at) {
                String uri = StepKeys.stepUri(spec.name(), version, branch.id());
                compileStep(branch, at, routesOut);
                return uri;
            }
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
