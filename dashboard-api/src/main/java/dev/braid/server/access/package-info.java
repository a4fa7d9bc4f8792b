/**
 * Who may call: API keys (stored as SHA-256 only, answered from an in-memory snapshot kept in
 * step across instances), roles and their permissions, pipeline and model scopes, the caller as
 * the audit trail names it ({@link dev.braid.server.access.Actor}), and {@link
 * dev.braid.server.access.AccessFilter}, which authenticates every request and admits it under
 * its key's rate limit and token quota. Owns {@code /api/keys}.
 */
package dev.braid.server.access;
