/**
 * The request log: {@code GET /api/requests} lists requests newest first from their usage rows
 * (metadata, always) and, when {@code braid.request-log.text} is on, their prompt and answer text
 * ({@link dev.braid.server.requestlog.RequestTexts}: masked, bounded, written off the request path,
 * deleted after a retention period).
 */
package dev.braid.server.requestlog;
