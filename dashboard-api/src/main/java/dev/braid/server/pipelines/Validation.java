package dev.braid.server.pipelines;

import dev.braid.engine.spec.UnknownProviders;
import java.util.List;

/**
 * A pipeline that would deploy: the Camel YAML it compiles to as the next version, and what would
 * not work as written (targets naming unconfigured providers).
 */
public record Validation(String camelYaml, List<UnknownProviders.Warning> warnings) {

    public Validation {
        warnings = List.copyOf(warnings);
    }
}
