/**
 * What a {@code model} name means on the OpenAI-compatible API: {@code <provider>/<model>}, an
 * alias from {@code braid.models.aliases}, or {@code pipeline/<name>} ({@link
 * dev.braid.server.models.ChatModels}, {@link dev.braid.server.models.ChatTarget}), and the
 * listing {@code GET /v1/models} serves.
 */
package dev.braid.server.models;
