/**
 * The {@code camel} step kind, the escape hatch: reading raw Camel YAML DSL processors and checking
 * them ({@link dev.braid.engine.steps.camel.CamelSafety}: endpoint schemes, languages, processors),
 * compiling them between {@code braid:camel-in} and {@code braid:camel-out}.
 */
package dev.braid.engine.steps.camel;
