package dev.braid.engine.compile;

import dev.braid.engine.spec.SourcePosition;
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
 * @param sharesMaskVault a step masks: the invocation creates the mask vault before any branch
 *     copies the exchange, so every branch shares it
 * @param rawCamelAt where the first step holding integrator-written Camel sits (its kind's key in the
 *     path): what a failing route load points at; {@code steps} at 0:0 when there is none
 */
public record CompiledPipeline(
        String name,
        int version,
        String camelYaml,
        Map<String, List<Object>> bindings,
        List<String> stepOrder,
        boolean sharesMaskVault,
        SourcePosition rawCamelAt) {

    public CompiledPipeline {
        bindings = Map.copyOf(bindings);
        stepOrder = List.copyOf(stepOrder);
        rawCamelAt = rawCamelAt == null ? new SourcePosition(0, 0, "steps") : rawCamelAt;
    }

    /** The finish binding of the version: what {@code braid:finish} applies (and a stream too). */
    public FinishBinding finish() {
        return bindings.getOrDefault(StepKeys.versionKey(name, version), List.of()).stream()
                .filter(FinishBinding.class::isInstance)
                .map(FinishBinding.class::cast)
                .findFirst()
                .orElse(new FinishBinding(null, false));
    }

    public String group() {
        return StepKeys.group(name, version);
    }

    public String entryUri() {
        return StepKeys.entryUri(name, version);
    }
}
