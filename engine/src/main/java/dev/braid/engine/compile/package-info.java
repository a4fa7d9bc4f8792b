/**
 * The compiler: a {@link dev.braid.engine.spec.PipelineSpec} and a version number become Camel YAML
 * DSL text (one route per step, {@code direct:braid.<name>.v<N>[.<stepId>]}, grouped by version) and
 * the step bindings the routes' endpoints look up by key ({@code <name>/<N>/<stepId>}). Templates and
 * JSONata are parsed here, once per version; none of them is ever written into the Camel YAML.
 */
package dev.braid.engine.compile;
