/**
 * Usage records: built from what a paid call did ({@link dev.braid.server.usage.UsageCapture}),
 * written off the hot path in batches ({@link dev.braid.server.usage.UsageRecorder}), and read by
 * {@code GET /api/usage} (grouped, with latency percentiles).
 */
package dev.braid.server.usage;
