/**
 * The compiler: a {@link dev.braid.engine.spec.PipelineSpec} and a version number become Camel YAML
 * DSL text (one route per step, {@code direct:braid.<name>.v<N>[.<stepId>]}, grouped by version) and
 * the step bindings the routes' endpoints look up by key ({@code <name>/<N>/<stepId>}). It writes the
 * frame of every route (entry route, {@code braid:begin} or the {@code when} filter, {@code braid:finish})
 * and hands each step to its kind ({@link dev.braid.engine.steps.StepKinds}) for what goes inside.
 * Templates and JSONata are parsed here, once per version; none of them is ever written into the Camel YAML.
 */
package dev.braid.engine.compile;
