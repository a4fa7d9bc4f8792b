/**
 * OpenTelemetry spans: one per invocation or direct model call (continuing the caller's trace
 * context) and one per step and model call inside Camel; what a span may hold (no prompt text
 * unless {@code braid.tracing.record-content}).
 */
package dev.braid.server.tracing;
