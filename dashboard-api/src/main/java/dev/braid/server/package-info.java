/**
 * Braid's server, the one thing you run ({@link dev.braid.server.BraidServer}). Packages by
 * feature, arrows pointing down only (ServerArchitectureTest keeps them free of cycles):
 * front doors ({@code invoke}, {@code openai}, {@code pipelines}, {@code providers}, {@code usage},
 * {@code audit}, {@code dashboard}) → {@code calls} (every paid call) → {@code limits},
 * {@code usage}, {@code tracing}, {@code models} → {@code access}, {@code http}, {@code cluster}.
 * {@code runtime} builds the engine's PipelineRuntime from configuration; {@code enrich} holds
 * the enrich step's SSRF policy.
 */
package dev.braid.server;
