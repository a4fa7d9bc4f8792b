/**
 * The {@code mask:} Camel component ({@code mask:mask}, {@code mask:restore}, {@code mask:output}):
 * PII detectors ({@link dev.braid.components.mask.MaskEntity}, custom patterns), the
 * {@link dev.braid.components.mask.Masker} that replaces matches by placeholders, and the per-request
 * {@link dev.braid.components.mask.MaskVault} that restores them.
 */
package dev.braid.components.mask;
