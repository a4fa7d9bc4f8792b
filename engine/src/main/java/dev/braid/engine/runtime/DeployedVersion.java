package dev.braid.engine.runtime;

import dev.braid.engine.spec.PipelineSpec;

/** A version loaded into the CamelContext, with the Camel YAML DSL it compiled to (what runs). */
public record DeployedVersion(String name, int version, PipelineSpec spec, String camelYaml) {}
