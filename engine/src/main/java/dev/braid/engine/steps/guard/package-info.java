/**
 * The {@code guard} step kind: reading {@code guard: {…}}, compiling it to {@code guard:check} (and
 * {@code model:chat} for the LLM judge), and the bindings of the heuristics, the output check and
 * the classifier.
 */
package dev.braid.engine.steps.guard;
