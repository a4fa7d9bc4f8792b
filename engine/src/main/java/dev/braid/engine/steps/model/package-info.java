/**
 * The {@code model} step kind: reading {@code model: {…}} (tasks and strategies from the
 * components' enums), compiling it to {@code model:<task>?step=…}, and the binding that renders
 * prompts into the unified request and records the answer, its usage and cost.
 */
package dev.braid.engine.steps.model;
