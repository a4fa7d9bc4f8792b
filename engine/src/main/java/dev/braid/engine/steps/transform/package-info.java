/** The {@code transform} step kind: reading, compiling to {@code braid:transform}, and running its JSONata. */
package dev.braid.engine.steps.transform;
