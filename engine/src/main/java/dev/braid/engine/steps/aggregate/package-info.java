/**
 * The {@code aggregate} step kind: reading, compiling to {@code braid:aggregate}, and running its
 * JSONata after checking the steps it {@code require}s.
 */
package dev.braid.engine.steps.aggregate;
