package dev.braid.engine.compile;

import java.util.List;
import java.util.Map;

/**
 * A pipeline version compiled for Camel.
 *
 * @param camelYaml the Camel YAML DSL text, byte-for-byte stable for the same spec and version;
 *     what is loaded is exactly this text
 * @param bindings what each step key ({@code <name>/<N>/<stepId>}, and {@code <name>/<N>} for the
 *     finish) binds to: the objects the {@code model:}, {@code mask:}, {@code guard:} and
 *     {@code braid:} endpoints look up
 * @param stepOrder every step id in declaration order, depth first (a parallel step before its branches)
 */
public record CompiledPipeline(
        String name, int version, String camelYaml, Map<String, List<Object>> bindings, List<String> stepOrder) {

    public CompiledPipeline {
        bindings = Map.copyOf(bindings);
        stepOrder = List.copyOf(stepOrder);
    }

    public String group() {
        return StepKeys.group(name, version);
    }

    public String entryUri() {
        return StepKeys.entryUri(name, version);
    }
}
