package dev.braid.engine.spec;

import dev.braid.components.model.api.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Targets that name a provider the runtime does not have. A warning, not a validation error:
 * providers can be added while Braid runs ({@code PUT /api/providers}), so a pipeline may be deployed
 * first. Until then such a target answers 404 {@code model_not_found}, or is silently passed over
 * when a fallback target follows: exactly what a typo should not do unnoticed.
 */
public final class UnknownProviders {

    /** One target naming an unknown provider: where the step stands, and what is wrong. */
    public record Warning(int line, int column, String path, String message) {}

    private UnknownProviders() {}

    public static List<Warning> in(PipelineSpec spec, Predicate<String> known) {
        List<Warning> out = new ArrayList<>();
        for (StepSpec s : spec.allSteps()) {
            // Java 17: no pattern switch; only model steps and guard judges name targets
            if (s.step() instanceof Step.Model m) {
                check(s, "model.targets", m.targets(), known, out);
            } else if (s.step() instanceof Step.Guard g && g.classifier() != null) {
                check(s, "guard.classifier.targets", g.classifier().targets(), known, out);
            }
        }
        return List.copyOf(out);
    }

    private static void check(StepSpec s, String field, List<Target> targets, Predicate<String> known, List<Warning> out) {
        for (int i = 0; i < targets.size(); i++) {
            String provider = targets.get(i).provider();
            if (!known.test(provider)) {
                SourcePosition at = s.position() == null ? SourcePosition.UNKNOWN : s.position();
                String path = (at.path().isEmpty() ? "" : at.path() + ".") + field + "[" + i + "].provider";
                out.add(new Warning(at.line(), at.column(), path, "step '" + s.id() + "' names provider '" + provider
                        + "', which is not configured: calls to it answer 404 model_not_found"
                        + (targets.size() > 1 ? " or fall back to the next target" : "")
                        + " until it is (braid.providers.*, the environment or PUT /api/providers)"));
            }
        }
    }
}
