/**
 * The {@code mask} step kind: reading {@code mask: {…}} (entities from {@code MaskEntity}), compiling
 * it to {@code mask:mask} or {@code mask:output}, and the binding the {@code mask:} component reads
 * and writes (input masking with restore, or output masking).
 */
package dev.braid.engine.steps.mask;
