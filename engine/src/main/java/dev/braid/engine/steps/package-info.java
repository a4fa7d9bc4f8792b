/**
 * The registry of step kinds ({@link dev.braid.engine.steps.StepKinds}): one line per kind, the only
 * class that knows them all. Each kind lives in its own sub-package ({@code steps.model},
 * {@code steps.mask}, …) holding its reading, compiling and binding.
 */
package dev.braid.engine.steps;
